from django.urls import path

from profiles import views

app_name = "profiles"
urlpatterns = [
    path("mentions/", views.mentions, name="mentions"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("u/<str:username>/edit/", views.edit, name="edit"),
]
