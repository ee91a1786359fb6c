from django.urls import path

from answering import preferences, views

app_name = "answering"

urlpatterns = [
    path("answer/", views.answer, name="answer"),
    path("answer/preferences/", preferences.preferences, name="preferences"),
]
