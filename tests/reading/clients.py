from django.test import Client


def as_(member) -> Client:
    """A client of its own, signed in as the member (None: a visitor)."""
    client = Client()
    if member is not None:
        client.force_login(member)
    return client
