from django.urls import path

from moderation import views

app_name = "moderation"
urlpatterns = [
    path("mod/", views.queue, name="queue"),
    path("mod/log/", views.log, name="log"),
    path("mod/dismiss/", views.dismiss, name="dismiss"),
    path("mod/post/<int:pk>/<str:action>/", views.post_action, name="post_action"),
    path("mod/thread/<int:pk>/<str:action>/", views.thread_action, name="thread_action"),
    path("mod/conversation/<int:pk>/close/", views.close_conversation_reports, name="close_conversation"),
    path("mod/member/<str:username>/", views.member, name="member"),
    path("mod/member/<str:username>/<str:action>/", views.member_action, name="member_action"),
    path("report/", views.report, name="report"),
]
