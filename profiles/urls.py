from django.urls import path

from profiles import views, views_community

app_name = "profiles"
urlpatterns = [
    path("leaderboard/", views_community.leaderboard, name="leaderboard"),
    path("badges/", views_community.badges, name="badges"),
    path("badges/<slug:slug>/", views_community.badge, name="badge"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("u/<str:username>/edit/", views.edit, name="edit"),
]
