from django.urls import path

from forum import feeds
from forum.views import actions, browse, compose, threads

app_name = "forum"
urlpatterns = [
    path("", browse.home, name="home"),
    path("c/<slug:slug>/", browse.category, name="category"),
    path("tags/<slug:slug>/", browse.tag, name="tag"),
    path("t/new/", compose.new_thread, name="new_thread"),
    path("t/<slug:slug>/<int:thread_id>/", threads.thread, name="thread"),
    path("t/<slug:slug>/<int:thread_id>/reply/", compose.reply, name="reply"),
    path("t/<slug:slug>/<int:thread_id>/follow/", actions.follow, name="follow"),
    path("p/<int:post_id>/", threads.post, name="post"),
    path("p/<int:post_id>/fragment/", threads.post_fragment, name="post_fragment"),
    path("p/<int:post_id>/edit/", compose.edit, name="edit"),
    path("p/<int:post_id>/history/", threads.history, name="history"),
    path("p/<int:post_id>/vote/", actions.vote, name="vote"),
    path("p/<int:post_id>/accept/", actions.accept, name="accept"),
    path("p/<int:post_id>/endorse/", actions.endorse, name="endorse"),
    path("preview/", compose.preview, name="preview"),
    path("feeds/latest/", feeds.LatestThreadsFeed(), name="feed_latest_rss"),
    path("feeds/latest/atom/", feeds.atom(feeds.LatestThreadsFeed)(), name="feed_latest"),
    path("c/<slug:slug>/feed/", feeds.atom(feeds.CategoryFeed)(), name="feed_category"),
    path("c/<slug:slug>/rss/", feeds.CategoryFeed(), name="feed_category_rss"),
    path("t/<slug:slug>/<int:thread_id>/feed/", feeds.atom(feeds.ThreadFeed)(), name="feed_thread"),
    path("t/<slug:slug>/<int:thread_id>/rss/", feeds.ThreadFeed(), name="feed_thread_rss"),
]
