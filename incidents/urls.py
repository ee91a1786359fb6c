from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/new/", views.declare, name="declare"),
    path("incidents/match/", views.match, name="match"),
    path("incidents/<int:pk>/", views.incident, name="incident"),
    path("incidents/<int:pk>/update/", views.update, name="update"),
    path("incidents/<int:pk>/link/", views.link, name="link"),
    path("incidents/<int:pk>/follow/", views.follow, name="follow"),
]
