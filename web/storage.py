"""Where files live: the filesystem under var/ by default, S3-compatible object storage when
FILE_STORAGE=s3 (several daphne machines cannot share a folder).

Two stores (Django's STORAGES): "default" for files anyone may see (avatars, served at
MEDIA_URL), and "uploads" for pictures in posts, which the forum serves itself after checking
the reader (uploads/views.py); the uploads folder is outside MEDIA_ROOT, so that a proxy that
serves MEDIA_ROOT never serves a picture of a hidden post.

On object storage the bucket stays private and pages never link to it: the site reads the
objects and serves them at its own addresses (web/s3.py). A page that the page cache keeps for minutes
would outlive a signed URL, and the Content-Security-Policy stays 'self' for images.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty


class _Uploads(LazyObject):
    """STORAGES["uploads"], looked up when first used (and again after the setting changes)."""

    def _setup(self):
        self._wrapped = storages["uploads"]


uploads = _Uploads()


def uploads_storage():
    """For FileField(storage=...): the same store whatever the setting was at import."""
    return uploads


def _forget(setting, **kwargs):
    if setting == "STORAGES":
        uploads._wrapped = empty


setting_changed.connect(_forget)
