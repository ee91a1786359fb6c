"""Addresses reversed once each (web/addresses.py): the same as reverse(), under any prefix."""

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
