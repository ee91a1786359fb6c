from django.urls import path

from ideas.views import actions

app_name = "ideas"

urlpatterns = [
    path("ideas/<int:thread_id>/vote/", actions.vote, name="vote"),
    path("ideas/<int:thread_id>/status/", actions.status, name="status"),
]
