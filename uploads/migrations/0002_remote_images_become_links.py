"""Posts and bios rendered before pictures were kept on the site hold <img> elements that load
from other hosts. The renderer now writes such an image as a link to it (web/markdown.py); this
rewrites the stored HTML the same way, so that readers see a link rather than a blocked image.

The HTML was written by the sanitizer (nh3): attributes in double quotes, their values escaped,
so the image's description can stand as the link's text as it is.
"""

import re

from django.db import migrations

REMOTE_IMAGE = re.compile(r'<img\s([^>]*?\bsrc="(?:https?:)?//[^"]*"[^>]*)>')
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
BATCH = 500


def as_link(match) -> str:
    attributes = dict(ATTRIBUTE.findall(match.group(1)))
    src = attributes["src"]
    title = f' title="{attributes["title"]}"' if attributes.get("title") else ""
    return f'<a href="{src}"{title} rel="nofollow ugc noopener">{attributes.get("alt") or src}</a>'


def rewrite(model, field):
    changed = []
    rows = model.objects.filter(**{f"{field}__contains": "<img "}).only("pk", field)
    for row in rows.iterator(chunk_size=BATCH):
        html = getattr(row, field)
        new = REMOTE_IMAGE.sub(as_link, html)
        if new != html:
            setattr(row, field, new)
            changed.append(row)
        if len(changed) >= BATCH:
            model.objects.bulk_update(changed, [field])
            changed = []
    if changed:
        model.objects.bulk_update(changed, [field])


def forwards(apps, schema_editor):
    rewrite(apps.get_model("forum", "Post"), "body_html")
    rewrite(apps.get_model("profiles", "Member"), "bio_html")


class Migration(migrations.Migration):
    dependencies = [
        ("uploads", "0001_pictures"),
        ("forum", "0007_post_thread_answers"),
        ("profiles", "0004_member_manager_prepared_get"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
