from django.urls import path

from profiles import views

app_name = "profiles"
urlpatterns = [
    path("u/<str:username>/", views.profile, name="profile"),
    path("u/<str:username>/edit/", views.edit, name="edit"),
]
