from django.urls import path

from staff import views, views_figures

app_name = "staff"
urlpatterns = [
    path("staff/", views.queue, name="queue"),
    path("staff/thread/<int:pk>/", views.assign, name="assign"),
    path("staff/conversations/", views.conversations, name="conversations"),
    path("staff/figures/", views_figures.figures, name="figures"),
    path("staff/figures.csv", views_figures.figures_csv, name="figures_csv"),
    path("staff/announcements/", views.announcement_list, name="announcements"),
    path("staff/announcements/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("announcements/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
]
