from django.urls import path

from reading import views

app_name = "reading"
urlpatterns = [
    path("reading/seen/", views.seen, name="seen"),
    path("reading/marks/", views.marks, name="marks"),
    path("watch/", views.watch, name="watch"),
    path("following/", views.following_page, name="following"),
    path("bookmarks/", views.bookmarks_page, name="bookmarks"),
    path("bookmarks/new/", views.edit_bookmark, name="edit_bookmark"),
    path("bookmarks/<int:pk>/remove/", views.remove_bookmark, name="remove_bookmark"),
    path("u/<str:username>/follow/", views.follow_member, name="follow_member"),
    path("t/<slug:slug>/<int:thread_id>/unread/", views.first_unread, name="first_unread"),
    path("c/<slug:slug>/read/", views.mark_category_read, name="mark_category_read"),
]
