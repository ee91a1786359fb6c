from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from api import views as api_views
from api.endpoints import api
from config.favicon import favicon
from config.health import healthz, readyz
from config.language import switch_language
from profiles import oidc
from web import media

# The admin's log-in goes through allauth's, with its rate limits and verification.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", favicon, name="favicon"),
    # The JSON API before the pages: last, each of its requests tried every other pattern
    # first, a fifth of a read served from a shared copy. Its index, then /api/v1/,
    # /api/schema/ and /api/docs/ (ninja's patterns end with an index of its own).
    path("api/", api_views.index, name="api_index"),
    path("api/", api.urls),
    # The pages most asked for first: Django tries the patterns in order on every request, and
    # before the forum's came those of every other app (allauth's alone are dozens), about a
    # tenth of a member's thread page. The forum's addresses are all distinct from the others'.
    path("", include("forum.urls")),
    # allauth's OpenID Connect addresses, answered by profiles/oidc.py (a provider that fails
    # gets an error page, never a 500; ID tokens' signatures are checked): before allauth's.
    path("accounts/oidc/<str:provider_id>/login/", oidc.login),
    path("accounts/oidc/<str:provider_id>/login/callback/", oidc.callback),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/", switch_language, name="switch_language"),
    path("admin/", admin.site.urls),
    path("", include("profiles.urls")),
    path("", include("reputation.urls")),
    path("", include("notifications.urls")),
    path("", include("moderation.urls")),
    path("", include("search.urls")),
    path("", include("staff.urls")),
    path("", include("answering.urls")),
    path("", include("incidents.urls")),
    path("", include("ideas.urls")),
    path("", include("conversations.urls")),
    path("", include("uploads.urls")),
    path("", include("reading.urls")),
    # The members' API tokens page.
    path("", include("api.urls")),
]

if settings.FILE_STORAGE == "s3":
    # Avatars from object storage, read by the site: the bucket stays private (web/storage.py).
    urlpatterns.append(path("media/<path:path>", media.public_file))
elif not settings.PRODUCTION:
    # Avatars in the demo; production serves MEDIA_ROOT from the proxy.
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))

handler400 = "web.badinput.bad_request"
handler404 = "web.errors.not_found"
handler403 = "web.errors.forbidden"
handler500 = "web.errors.server_error"
