"""Sessions in the database (Django's engine), read with their SQL compiled once.

Every request of a signed-in member reads its session first; web/prepared.py says why that
read is prepared. Its data is then checked (Django's signature) and decoded: the check of a
given text is done once per process and remembered, since the same text always checks the
same way, and only its JSON is read again for each request (so that no two requests share
the objects of a session). Writing, expiry and the asynchronous reads stay Django's.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.core import signing
from django.utils import timezone

from web.pagecache import Renderings
from web.prepared import Prepared

_LIVE_SESSION = Prepared(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now).values_list("session_data")
)
# Session texts whose signature was checked, and the JSON they carry: a few hundred bytes each.
_CHECKED = Renderings(4096)


class _Verbatim:
    """A serializer for signing.loads that gives the checked payload back as it is."""

    def loads(self, data: bytes) -> bytes:
        return data


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        rows = _LIVE_SESSION.rows(key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=rows[0][0])

    def decode(self, session_data):
        try:
            payload = _CHECKED.get_or_render(
                session_data, lambda: signing.loads(session_data, salt=self.key_salt, serializer=_Verbatim)
            )
        except Exception:
            return super().decode(session_data)  # Django's handling of a bad session: logged, empty
        return self.serializer().loads(payload)
