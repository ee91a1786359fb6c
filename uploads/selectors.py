"""Reading pictures: as messages show them, and one picture for one reader."""

from django.http import Http404

from uploads import permissions
from uploads.models import Upload
from uploads.services import PICTURE_PATH
from web.markdown import Picture


def pictures(addresses: set[str], *, private: bool = False) -> dict[str, Picture]:
    """The site's own pictures among the images of a message, by the address the message
    gives them; one query. A post (forum.hooks.provide_pictures) shows none that a private
    message holds, which stays a link there; a private message (`private`) shows those too."""
    wanted = {}
    for address in addresses:
        match = PICTURE_PATH.fullmatch(address or "")
        if match:
            wanted[address] = match.groups()
    if not wanted:
        return {}
    rows = Upload.objects.filter(key__in={key for key, _ in wanted.values()})
    if not private:
        rows = rows.filter(held_by="")
    fields = ("key", "extension", "thumbnail", "thumbnail_width", "thumbnail_height")
    found = {(upload.key, upload.extension): upload for upload in rows.only(*fields)}
    shown = {}
    for address, key in wanted.items():
        upload = found.get(key)
        if upload is not None:
            shown[address] = Picture(
                url=upload.get_absolute_url(),
                thumbnail=upload.thumbnail_url(),
                width=upload.thumbnail_width,
                height=upload.thumbnail_height,
            )
    return shown


def picture_for(reader, key: str, extension: str) -> Upload:
    """The picture, if the reader may see it; 404 otherwise, as for a post they may not read."""
    upload = Upload.objects.select_related("post__thread__category").filter(key=key, extension=extension).first()
    if upload is None or not permissions.can_see(reader, upload):
        raise Http404
    return upload
