"""Fixtures for the profiles tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Members are made by the dozen here; the hash algorithm is not what these tests check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
