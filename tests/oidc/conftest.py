"""A real OpenID provider for the SSO tests: npm's oidc-provider (tests/oidc/op.mjs) on a free loopback port.

`npm ci` installs it from package-lock.json on first use (scripts/test-machine.sh prepare does it up front).
Tests change accounts, disable one, or make the provider tamper with its ID token through POST /_test/config.
"""

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from accounts.models import ExternalIdentity
from tests.browser.conftest import assert_accessible, screenshot  # noqa: F401 - the browser tests' fixtures
from tests.environment import unavailable

HERE = Path(__file__).resolve().parent
CLIENT_ID = "ungdomsinsats"
CLIENT_SECRET = "test-secret-for-the-loopback-provider"
# The IdP's accounts: a login name is the `sub`; acr/amr are what the IdP asserts for that login.
ACCOUNTS = {
    "anna": {"acr": "loa3", "amr": ["pwd", "mfa"], "given_name": "Anna", "family_name": "Ek"},
    "bertil": {"acr": "loa3", "amr": ["pwd", "mfa"], "given_name": "Bertil", "family_name": "Ås"},
    "svag": {"acr": "loa2", "amr": ["pwd"], "given_name": "Sven", "family_name": "Vag"},
    "okand": {"acr": "loa3", "amr": ["pwd", "mfa"], "given_name": "Olle", "family_name": "Kand"},
    "nyanstalld": {"acr": "loa3", "amr": ["pwd", "mfa"], "groups": ["ui-socialsekreterare", "ui-anvandare"]},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _install() -> None:
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    if not shutil.which("npm"):
        unavailable("npm saknas / is missing: apt-get install nodejs npm")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, capture_output=True, timeout=300)


class LoopbackProvider:
    def __init__(self, url: str):
        self.url = url

    def configure(self, **change) -> None:
        requests.post(f"{self.url}/_test/config", data=json.dumps(change), timeout=5).raise_for_status()


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    """The provider process for the whole session, registered with the live server's redirect URIs."""
    if not shutil.which("node"):
        unavailable("node saknas / is missing: apt-get install nodejs npm")
    _install()
    port = _free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": f"{live_server.url}/logga-in/sso/svar/",
        "LOGOUT_URIS": f"{live_server.url}/logga-in/",
        "ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(
        ["node", str(HERE / "op.mjs")], cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{url}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError(
                f"oidc-provider did not start: {process.stdout.read1().decode() if process.stdout else ''}"
            )
        yield LoopbackProvider(url)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(oidc_provider, settings):
    """SSO switched on against the test provider, requiring acr loa3; the provider behaves until told otherwise."""
    oidc_provider.configure(tamper="")
    settings.OIDC_ISSUER = oidc_provider.url
    settings.OIDC_DISCOVERY_URL = ""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ENABLED = True
    settings.OIDC_REQUIRED_ACR = ["loa3"]
    settings.OIDC_MFA_ACR = ["loa3"]  # as with Inera's IdP: loa3 is two factors, no local code asked
    settings.OIDC_REDIRECT_REQUIRE_HTTPS = False
    return oidc_provider


def link(user, provider: LoopbackProvider, subject: str) -> ExternalIdentity:
    return ExternalIdentity.objects.create(user=user, issuer=provider.url, subject=subject)
