from django.urls import path

from ideas import feeds
from ideas.views import actions, browse

app_name = "ideas"

urlpatterns = [
    path("ideas/", browse.ideas, name="list"),
    path("roadmap/", browse.roadmap, name="roadmap"),
    path("ideas/<int:thread_id>/voters/", browse.voters, name="voters"),
    path("ideas/feed/", feeds.StatusChangesFeed(), name="feed_statuses_rss"),
    path("ideas/feed/atom/", feeds.AtomStatusChangesFeed(), name="feed_statuses"),
    path("ideas/<int:thread_id>/vote/", actions.vote, name="vote"),
    path("ideas/<int:thread_id>/status/", actions.status, name="status"),
    path("ideas/<int:thread_id>/merge/", actions.merge, name="merge"),
]
