from django.urls import path

from reputation import views

app_name = "reputation"
urlpatterns = [
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("badges/", views.badges, name="badges"),
    path("badges/<slug:slug>/", views.badge, name="badge"),
]
