"""Uploading pictures, attaching them to the posts that show them, removing those none shows."""

import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from profiles import roles
from uploads import limits
from uploads.models import Upload
from uploads.pictures import prepare_picture

log = logging.getLogger(__name__)

# The address of a picture, as the composer writes it: /uploads/<key>.<extension>. Found anywhere
# in a message, it makes the post take the picture (a link to it must work for the readers too);
# shown as a picture only as an image's whole address (selectors.pictures).
PICTURE_PATH = re.compile(r"/uploads/([A-Za-z0-9_-]{16,32})\.(png|jpg|webp)\b")
STALE_AFTER = timedelta(hours=24)
BATCH = 200


def upload_picture(*, uploader, file) -> Upload:
    """Store a picture the member sent, re-encoded, for a post of theirs to reference.

    Raises PermissionDenied (a visitor, a suspended member), web.limits.RateLimited (over the
    day's limit), web.images.Refused (not a picture we take) or StorageUnavailable; nothing is
    stored then.
    """
    roles.check_can_post(uploader)
    limits.check_can_upload(uploader)
    prepared = prepare_picture(file)
    key = secrets.token_urlsafe(16)
    upload = Upload(
        key=key,
        uploader=uploader,
        extension=prepared.extension,
        content_type=prepared.content_type,
        width=prepared.picture.width,
        height=prepared.picture.height,
        thumbnail_width=(prepared.thumbnail or prepared.picture).width,
        thumbnail_height=(prepared.thumbnail or prepared.picture).height,
        size=len(prepared.picture.content),
    )
    # The files first, the row after: a row never names a file that is missing, and files
    # whose row could not be written are removed at once.
    try:
        _store(upload, prepared)
        with transaction.atomic():
            upload.save()
    except BaseException:
        _delete_files(upload)
        raise
    return upload


class StorageUnavailable(Exception):
    """The store refused or did not answer (a full disk, object storage down): nothing was kept."""


def _store(upload, prepared):
    try:
        upload.file.save(f"{upload.key}.{prepared.extension}", ContentFile(prepared.picture.content), save=False)
        if prepared.thumbnail is not None:
            thumbnail = ContentFile(prepared.thumbnail.content)
            upload.thumbnail.save(f"{upload.key}-small.{prepared.extension}", thumbnail, save=False)
    except Exception as error:  # OSError on a disk, botocore's own errors on object storage
        log.exception("could not store picture %s", upload.key)
        raise StorageUnavailable from error


def referenced_keys(body: str) -> set[str]:
    return {key for key, _extension in PICTURE_PATH.findall(body)}


def _free(keys, writer):
    """The pictures among `keys` that `writer` uploaded and nothing shows yet (no post, no
    private message): what a message of theirs may take."""
    return Upload.objects.filter(key__in=keys, uploader=writer, post__isnull=True, held_by="")


def attach_pictures(*, post, writer, edited: bool = False):
    """Give the post the pictures its message references that `writer` uploaded and nothing
    shows yet; after an edit, take back those it no longer references (the picture goes with
    the next `remove_stale_uploads`). Runs in the transaction that wrote the post: a new post
    without pictures costs it no statement (most replies)."""
    keys = referenced_keys(post.body)
    if edited:
        Upload.objects.filter(post=post).exclude(key__in=keys).update(post=None)
    if keys:
        _free(keys, writer).update(post=post)


def hold_pictures(*, body: str, writer, holder: str) -> int:
    """A private place (`holder`, from uploads.hooks.holder) takes the pictures its text
    references that `writer` uploaded and nothing shows yet: from then on they are its own,
    never a post's nor stale, and seen by whom the holder's app says. The caller holds the
    transaction that wrote the place's row. Returns how many it took."""
    keys = referenced_keys(body)
    return _free(keys, writer).update(held_by=holder) if keys else 0


def remove_stale_uploads(*, now=None) -> int:
    """Remove the pictures nothing shows, sent more than a day ago (never attached, or taken
    out of their post by an edit); those a private message holds stay with it. Returns how
    many were removed."""
    unshown = Upload.objects.filter(post__isnull=True, held_by="")
    stale = unshown.filter(created_at__lt=(now or timezone.now()) - STALE_AFTER)
    removed = 0
    while batch := list(stale.order_by("created_at")[:BATCH]):
        for upload in batch:
            # Still unshown as the row goes: a post or a message may have taken it meanwhile.
            deleted, _ = unshown.filter(pk=upload.pk).delete()
            if deleted:
                _delete_files(upload)
                removed += 1
    return removed


def _delete_files(upload):
    for field in (upload.file, upload.thumbnail):
        if field.name:
            try:
                field.storage.delete(field.name)
            except Exception:  # the store is down: the file stays, said in the log
                log.warning("could not delete %s; remove it by hand", field.name, exc_info=True)


def readiness() -> dict:
    """For /readyz: whether the pictures' store answers a read (a file that is never there).
    Without it the forum works; pictures cannot be sent or shown."""
    store = Upload._meta.get_field("file").storage
    store.exists("readiness-probe")
    return {"status": "ok", "backend": "s3" if settings.FILE_STORAGE == "s3" else "filesystem"}
