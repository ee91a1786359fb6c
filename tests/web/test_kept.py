"""Parts of a page kept once rendered ({% kept %}, web/templatetags/kept.py)."""

from django.template import Context, Template
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import translation


class Counted:
    """Counts how often the part around it is rendered."""

    def __init__(self):
        self.renderings = 0

    def __str__(self):
        self.renderings += 1
        return "part"


TEMPLATE = Template(
    "{% load i18n kept %}{% kept who %}"
    "{{ counted }} {{ who }} {% translate 'Log in' %} {% url 'forum:home' %}"
    "{% endkept %}"
)


def render(counted, who):
    return TEMPLATE.render(Context({"counted": counted, "who": who}))


def test_a_part_is_rendered_once_for_each_value_of_its_key_and_language():
    counted = Counted()

    assert render(counted, "<ann>") == render(counted, "<ann>") == "part &lt;ann&gt; Log in /"
    assert counted.renderings == 1
    assert render(counted, "bob") == "part bob Log in /" and counted.renderings == 2
    with translation.override("fr"):
        assert render(counted, "bob") == "part bob Se connecter /" and counted.renderings == 3
    set_script_prefix("/forum/")
    try:
        assert render(counted, "bob") == "part bob Log in /forum/" and counted.renderings == 4
    finally:
        clear_script_prefix()
    assert render(counted, "bob") == "part bob Log in /" and counted.renderings == 4
