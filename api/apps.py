from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The JSON API (/api/v1/) and the members' personal API tokens.

    It sits at the top, beside staff: its read side gathers from every app below, and its
    write side calls their services (forum's post_reply and accept_answer, ideas'
    set_idea_status), so it writes no row of theirs itself.
    """

    name = "api"
    verbose_name = _("API")
