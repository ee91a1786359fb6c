"""Addresses reversed once each (web/addresses.py): the same as reverse(), under any prefix."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from web.addresses import address


def test_an_address_is_the_reversed_one_and_follows_the_script_prefix():
    assert address("forum:thread", "lampe", 12) == reverse("forum:thread", args=["lampe", 12]) == "/t/lampe/12/"
    assert address("forum:thread", "lampe", 13) == "/t/lampe/13/"
    set_script_prefix("/forum/")
    try:
        assert address("forum:thread", "lampe", 12) == "/forum/t/lampe/12/"
    finally:
        clear_script_prefix()
    assert address("forum:thread", "lampe", 12) == "/t/lampe/12/"


def test_templates_url_tag_keeps_its_addresses_and_answers_as_djangos():
    from django.template import Context, Template
    from django.urls import NoReverseMatch

    from web import addresses

    template = Template(
        "{% url 'forum:thread' slug 12 %} {% url 'forum:home' %} {% url 'forum:thread' slug=slug thread_id=3 %}"
        "{% url 'no-such-view' as missing %}[{{ missing }}] {% url 'forum:thread' flag 1 %}"
    )
    kept = addresses._reversed.cache_info().currsize

    first = template.render(Context({"slug": "lampe", "flag": True}))
    again = template.render(Context({"slug": "lampe", "flag": True}))

    assert first == again == "/t/lampe/12/ / /t/lampe/3/[] /t/True/1/"
    assert addresses._reversed.cache_info().currsize == kept + 2  # the ints and strings only
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no-such-view' %}").render(Context())
    set_script_prefix("/forum/")
    try:
        assert Template("{% url 'forum:home' %}").render(Context()) == "/forum/"
    finally:
        clear_script_prefix()
