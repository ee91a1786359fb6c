"""The ID token check of profiles/oidc.py on tokens no well-behaved provider sends: the sign-in
tests reach it through a real provider; these forge what that provider cannot."""

import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from profiles.oidc import verify_id_token
from profiles.sso import InvalidIdToken

ISSUER = "https://id.lumio.example"
CLIENT = "agora"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key, kid):
    return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "use": "sig"}


@pytest.fixture(scope="module")
def keys():
    return {"one": new_key(), "two": new_key()}


@pytest.fixture(scope="module")
def jwks(keys):
    return {"keys": [public_jwk(key, kid) for kid, key in keys.items()]}


def claims(**changes):
    now = int(time.time())
    return {"iss": ISSUER, "aud": CLIENT, "sub": "claire", "iat": now, "exp": now + 300} | changes


def check(token, jwks):
    return verify_id_token(token, keys=jwks, issuer=ISSUER, audience=CLIENT)


def test_a_token_signed_by_a_key_it_names_is_accepted(keys, jwks):
    token = jwt.encode(claims(), keys["two"], algorithm="RS256", headers={"kid": "two"})

    assert check(token, jwks)["sub"] == "claire"


def test_a_token_that_names_no_key_is_checked_against_each(keys, jwks):
    token = jwt.encode(claims(), keys["two"], algorithm="RS256")

    assert check(token, jwks)["sub"] == "claire"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda keys: jwt.encode(claims(), key=None, algorithm="none"), id="unsigned"),
        pytest.param(
            lambda keys: jwt.encode(claims(), new_key(), algorithm="RS256", headers={"kid": "one"}), id="stranger's key"
        ),
        pytest.param(
            lambda keys: jwt.encode(claims(), keys["one"], algorithm="RS256", headers={"kid": "three"}),
            id="unknown kid",
        ),
        pytest.param(
            lambda keys: jwt.encode(claims(exp=int(time.time()) - 60), keys["one"], algorithm="RS256"), id="expired"
        ),
        pytest.param(
            lambda keys: jwt.encode(claims(iss="https://evil.example"), keys["one"], algorithm="RS256"), id="issuer"
        ),
        pytest.param(
            lambda keys: jwt.encode(claims(aud="someone-else"), keys["one"], algorithm="RS256"), id="audience"
        ),
        pytest.param(
            lambda keys: jwt.encode({k: v for k, v in claims().items() if k != "sub"}, keys["one"], algorithm="RS256"),
            id="no subject",
        ),
        pytest.param(lambda keys: "not.a.token", id="garbage"),
    ],
)
def test_a_forged_or_stale_token_is_refused(keys, jwks, forge):
    with pytest.raises(InvalidIdToken):
        check(forge(keys), jwks)


def test_a_token_signed_with_the_public_key_as_a_shared_secret_is_refused(keys, jwks):
    public_pem = (
        keys["one"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = jwt.utils.base64url_encode(json.dumps({"alg": "HS256", "kid": "one"}).encode())
    payload = jwt.utils.base64url_encode(json.dumps(claims()).encode())
    signature = hmac.new(public_pem, header + b"." + payload, hashlib.sha256).digest()
    token = (header + b"." + payload + b"." + jwt.utils.base64url_encode(signature)).decode()

    with pytest.raises(InvalidIdToken):
        check(token, jwks)
