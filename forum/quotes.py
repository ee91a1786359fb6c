"""Quoting a post: an attributed Markdown quote that links back to it."""

from django.utils.translation import gettext as _

QUOTE_MAX = 1500


def quote_markdown(post) -> str:
    text = post.body if len(post.body) <= QUOTE_MAX else post.body[:QUOTE_MAX].rsplit(" ", 1)[0] + " …"
    quoted = "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
    attribution = _("@%(name)s [wrote](/p/%(id)d/):") % {"name": post.author.username, "id": post.pk}
    return f"> {attribution}\n{quoted}\n\n"
