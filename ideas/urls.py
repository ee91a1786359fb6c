from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("ideas/<int:thread_id>/vote/", views.vote, name="vote"),
    path("ideas/<int:thread_id>/status/", views.status, name="status"),
]
