from django.urls import path

from uploads import views

app_name = "uploads"
urlpatterns = [
    path("uploads/", views.upload, name="upload"),
    path("uploads/new/", views.new, name="new"),
    path("uploads/<str:key>.<str:extension>", views.picture, name="picture"),
    path("uploads/<str:key>/small.<str:extension>", views.picture, {"small": True}, name="thumbnail"),
]
