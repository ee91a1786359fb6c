from django.utils.translation import gettext_lazy as _

OUTCOMES = {
    "dismissed": _("no action was needed"),
    "hidden": _("the post was hidden"),
    "deleted": _("the post was removed"),
    "restored": _("the post was restored"),
    "edited": _("the post was edited"),
    "locked": _("the thread was locked"),
    "moved": _("the thread was moved"),
    "warned": _("the member was warned"),
    "suspended": _("the member was suspended"),
}


def outcome_label(outcome: str) -> str:
    return str(OUTCOMES.get(outcome, outcome))
