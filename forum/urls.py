from django.urls import path

from forum.views import home

app_name = "forum"
urlpatterns = [
    path("", home.home, name="home"),
]
