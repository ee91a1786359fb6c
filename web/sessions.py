"""Sessions in the database (Django's engine), read with their SQL compiled once.

Every request of a signed-in member reads its session first; web/prepared.py says why that
read is prepared. Writing, expiry and the asynchronous reads stay Django's.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from web.prepared import Prepared

_LIVE_SESSION = Prepared(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now).values_list("session_data")
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        rows = _LIVE_SESSION.rows(key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=rows[0][0])
