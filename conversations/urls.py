from django.urls import path

from conversations import views

app_name = "conversations"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/new/", views.new, name="new"),
    path("messages/<int:pk>/", views.conversation, name="conversation"),
    path("messages/<int:pk>/reply/", views.reply, name="reply"),
    path("messages/<int:pk>/read/", views.read, name="read"),
    path("messages/<int:pk>/join/", views.join, name="join"),
    path("messages/<int:pk>/assign/", views.assign, name="assign"),
    path("messages/<int:pk>/report/", views.report, name="report"),
    path("messages/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("messages/message/<int:pk>/", views.message, name="message"),
    path("messages/message/<int:pk>/report/", views.report_message, name="report_message"),
    path("messages/notes/<int:thread_id>/", views.add_note, name="add_note"),
    path("messages/replies/", views.library, name="library"),
    path("messages/block/<str:username>/", views.block, name="block"),
    path("messages/replies/search/", views.search_saved, name="search_saved"),
    path("messages/replies/<int:pk>/", views.edit_saved, name="edit_saved"),
    path("messages/replies/<int:pk>/delete/", views.delete_saved, name="delete_saved"),
]
