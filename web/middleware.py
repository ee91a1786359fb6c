"""Django's own middleware, and WhiteNoise, run on the event loop under daphne.

Under ASGI, Django's MiddlewareMixin runs every process_request and process_response
in a worker thread (sync_to_async): two thread hops per middleware, about twenty per
request with the stack in settings.MIDDLEWARE, and WhiteNoise, which is not
async-capable at all, makes Django run the whole chain inside it through a thread as
well. On this machine that took the trivial view from ~900 requests/s in a bare Django
project to ~220 (PERFORMANCE.md: middleware is the HTTP ceiling).

The middleware below do string work on the request and the response, and no I/O,
except where noted: there they still go to a thread, and only then. Should one of them
ever touch the database on the event loop, Django's async-unsafe guard raises
SynchronousOnlyOperation, so a mistake is loud in the tests rather than slow in
production (tests/web/test_middleware.py runs every kind of request through the ASGI
handler). Under WSGI and Django's test client (sync mode) they are Django's own classes,
unchanged.
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from whitenoise.middleware import WhiteNoiseMiddleware

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class OnLoop:
    """Mixin for a MiddlewareMixin: its hooks run on the event loop, not in a thread.

    A subclass whose hook may do I/O in some cases says so in `request_needs_thread` or
    `response_needs_thread`; the hook then runs in a thread for those requests only.
    """

    def request_needs_thread(self, request) -> bool:
        return False

    def response_needs_thread(self, request, response) -> bool:
        return False

    async def __acall__(self, request):
        response = None
        if hasattr(self, "process_request"):
            if self.request_needs_thread(request):
                response = await sync_to_async(self.process_request, thread_sensitive=True)(request)
            else:
                response = self.process_request(request)
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            if self.response_needs_thread(request, response):
                response = await sync_to_async(self.process_response, thread_sensitive=True)(request, response)
            else:
                response = self.process_response(request, response)
        return response


class Security(OnLoop, SecurityMiddleware):
    pass


class Sessions(OnLoop, SessionMiddleware):
    """The session is read lazily, in the view's thread; it is written here only when it
    changed (or SESSION_SAVE_EVERY_REQUEST), and then in a thread."""

    def response_needs_thread(self, request, response) -> bool:
        session = getattr(request, "session", None)
        return session is not None and (session.modified or settings.SESSION_SAVE_EVERY_REQUEST)


class Locale(OnLoop, LocaleMiddleware):
    """Activating a language on the event loop reaches the view: Django keeps the active
    language in an asgiref Local, which follows the request's context into its thread."""


class Common(OnLoop, CommonMiddleware):
    pass


class Csrf(OnLoop, CsrfViewMiddleware):
    """The token check of a form post reads the request's body, which can be a file on disk:
    that check runs in a thread. Safe methods are accepted on the event loop."""

    def __init__(self, get_response):
        super().__init__(get_response)
        if self.async_mode:
            # Django adapts process_view by its kind when it loads the middleware.
            self.process_view = self._process_view_async

    async def _process_view_async(self, request, callback, callback_args, callback_kwargs):
        check = super().process_view
        if request.method in SAFE_METHODS:
            return check(request, callback, callback_args, callback_kwargs)
        return await sync_to_async(check, thread_sensitive=True)(request, callback, callback_args, callback_kwargs)

    def request_needs_thread(self, request) -> bool:
        return settings.CSRF_USE_SESSIONS  # the token is read from the session

    def response_needs_thread(self, request, response) -> bool:
        return settings.CSRF_USE_SESSIONS  # and written to it


class Authentication(OnLoop, AuthenticationMiddleware):
    """Sets request.user lazily; the member is loaded in the view's thread when first read."""


class Messages(OnLoop, MessageMiddleware):
    """Messages added by the view may overflow their cookie into the session: stored in a thread."""

    def response_needs_thread(self, request, response) -> bool:
        storage = getattr(request, "_messages", None)
        return storage is not None and storage.added_new


class FrameOptions(OnLoop, XFrameOptionsMiddleware):
    pass


class StaticFiles(WhiteNoiseMiddleware):
    """WhiteNoise, async-capable: a request for a page passes through on the event loop; a
    static file is opened in a thread (and looked up on disk there too when autorefresh is on)."""

    async_capable = True

    def __init__(self, get_response=None, settings=settings):
        super().__init__(get_response, settings=settings)
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self._acall(request)
        return super().__call__(request)

    async def _acall(self, request):
        if self.autorefresh:
            static_file = await sync_to_async(self.find_file, thread_sensitive=False)(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is not None:
            return await sync_to_async(self.serve, thread_sensitive=False)(static_file, request)
        return await self.get_response(request)
