"""A real OpenID Connect provider for the tests, in a process of its own.

oidc-provider-mock (a Flask app: discovery, authorization code with PKCE, RS256-signed ID
tokens, userinfo) on a free loopback port. The tests play the person at the provider over
HTTP: `PUT /users/<sub>` sets a subject's claims, and posting `sub` to the authorize endpoint
signs that subject in (the provider's log-in form). Two routes are added for the tests:
`PUT /tests/id-token` with {"tamper": how} makes the token endpoint answer with an ID token
signed by a stranger's key ("signature"), meant for another client ("audience"), about another
subject than userinfo's ("subject"), or with none ("missing"), until set back with "".
And `PUT /tests/code-lifetime` with {"seconds": N} gives authorization codes a lifetime (the
mock's never expire): the token endpoint refuses a code issued more than N seconds before with
`invalid_grant`, as a real provider does, until set back with {"seconds": null}. The hook wraps
the mock's AuthorizationCodeGrant: save_authorization_code notes when each code was issued, and
query_authorization_code (the token endpoint's look-up) refuses one older than the lifetime.

`python -m tests.sso.provider` serves it and prints `listening on <port>`; `Provider` starts
and stops it from a test (no Django needed, so the browser tests use it too).
"""

import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30


class Provider:
    """The provider's process, and the calls a test makes to it as the person signing in."""

    def __init__(self, process: subprocess.Popen, log, port: int):
        self.process = process
        self.log = log
        self.url = f"http://127.0.0.1:{port}"

    @classmethod
    def start(cls) -> "Provider":
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "AUTHLIB_INSECURE_TRANSPORT": "1"}
        # Its request log goes to a file: a pipe nobody reads would stop it once full.
        log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (open while the provider runs; stop() closes it)
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.sso.provider"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        provider = cls(process, log, cls._read_port(process, log))
        provider._wait_for_discovery()
        return provider

    @staticmethod
    def _read_port(process, log) -> int:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                if selector.select(timeout=0.2):
                    line = process.stdout.readline()
                    if line.startswith("listening on "):
                        return int(line.split()[-1])
                    if not line and process.poll() is not None:
                        break
        process.kill()
        log.seek(0)
        raise RuntimeError(f"the OpenID Connect provider did not start:\n{log.read()}")

    def _wait_for_discovery(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                if requests.get(self.discovery_url, timeout=2).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the OpenID Connect provider never answered {self.discovery_url}")

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.log.close()

    def set_claims(self, sub: str, **claims):
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def tamper(self, how: str):
        requests.put(f"{self.url}/tests/id-token", json={"tamper": how}, timeout=5).raise_for_status()

    def set_code_lifetime(self, seconds: float | None):
        """Codes older than `seconds` are refused at the token endpoint; None: they never expire."""
        requests.put(f"{self.url}/tests/code-lifetime", json={"seconds": seconds}, timeout=5).raise_for_status()

    def authorize(self, authorize_url: str, *, sub: str | None = None, deny: bool = False) -> str:
        """Sign `sub` in on the provider's log-in form (or press Deny); return where it sends the
        browser back (the client's callback URL with `code` and `state`, or `error`)."""
        form = {"action": "deny"} if deny else {"sub": sub}
        response = requests.post(authorize_url, data=form, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text
        return response.headers["Location"]


def build_app():
    import flask
    import jwt
    import oidc_provider_mock
    from cryptography.hazmat.primitives.asymmetric import rsa

    app = oidc_provider_mock.app()
    tampering = {"how": ""}
    stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @app.put("/tests/id-token")
    def set_tampering():
        tampering["how"] = flask.request.get_json()["tamper"]
        return "", 204

    @app.after_request
    def tamper_with_id_token(response):
        if not tampering["how"] or flask.request.endpoint != "oidc-provider-mock.issue_token" or not response.is_json:
            return response
        answer = response.get_json()
        if "id_token" not in answer:
            return response
        claims = jwt.decode(answer["id_token"], options={"verify_signature": False})
        jwk = flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True)
        key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
        if tampering["how"] == "missing":
            del answer["id_token"]
            response.set_data(json.dumps(answer))
            return response
        if tampering["how"] == "signature":
            key = stranger_key  # same key id, another key: only the signature can tell
        elif tampering["how"] == "audience":
            claims["aud"] = "another-client"
        elif tampering["how"] == "subject":
            claims["sub"] = "someone-else"  # well signed, but not whom userinfo speaks of
        answer["id_token"] = jwt.encode(claims, key, algorithm="RS256", headers={"kid": jwk["kid"]})
        response.set_data(json.dumps(answer))
        return response

    hook_code_lifetime(app)
    return app


def hook_code_lifetime(app):
    """`PUT /tests/code-lifetime`: codes expire after {"seconds": N}, or never (null)."""
    import flask
    from authlib.oauth2.rfc6749 import InvalidGrantError
    from oidc_provider_mock._app import AuthorizationCodeGrant

    lifetime = {"seconds": None}
    issued_at = {}  # code -> time.monotonic() when the provider issued it (codes are single-use)
    save, query = AuthorizationCodeGrant.save_authorization_code, AuthorizationCodeGrant.query_authorization_code

    @app.put("/tests/code-lifetime")
    def set_code_lifetime():
        lifetime["seconds"] = flask.request.get_json()["seconds"]
        return "", 204

    def save_authorization_code(grant, code, request):
        save(grant, code, request)
        issued_at[code] = time.monotonic()

    def query_authorization_code(grant, code, client):
        found = query(grant, code, client)
        if found and lifetime["seconds"] is not None and time.monotonic() - issued_at[code] > lifetime["seconds"]:
            raise InvalidGrantError("The authorization code has expired.")
        return found

    # The provider's own process: the mock's grant class is patched for this process alone.
    AuthorizationCodeGrant.save_authorization_code = save_authorization_code
    AuthorizationCodeGrant.query_authorization_code = query_authorization_code


def main():
    import werkzeug.serving

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on loopback
    server = werkzeug.serving.make_server("127.0.0.1", 0, build_app(), threaded=True)
    print(f"listening on {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
