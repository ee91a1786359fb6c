"""Parts of a page kept once rendered ({% kept %}, web/templatetags/kept.py)."""

import pytest
from django.template import Context, Engine, Template, TemplateSyntaxError
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


def test_a_part_cannot_hold_a_block_and_a_page_still_finds_the_blocks_around_parts():
    """A block in a part rendered once would show one page's block on every page that extends its
    own; the blocks beside parts are still found (a kept part is not searched for them)."""
    with pytest.raises(TemplateSyntaxError):
        Template("{% load kept %}{% kept %}{% block title %}{% endblock %}{% endkept %}")
    engine = Engine(
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {
                    "base.html": "{% load kept %}{% kept %}<header>{% endkept %}{% block main %}base{% endblock %}",
                    "page.html": "{% extends 'base.html' %}{% block main %}page{% endblock %}",
                },
            )
        ],
        libraries={"kept": "web.templatetags.kept"},
    )

    assert engine.get_template("page.html").render(Context()) == "<header>page"
