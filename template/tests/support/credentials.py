"""Credentials for tests that call a real server process, whatever authentication it has.

`server_headers(base_url)` returns the headers a client of that server needs for the domain
routes: nothing when the service has no authentication; otherwise what the auth mode's support
module (`tests/support/server_login.py`, present only with auth) obtains from the server the
way a client would (for auth=local: register an account and log in).
"""

from __future__ import annotations

import importlib
import importlib.util

LOGIN_MODULE = "tests.support.server_login"


def server_headers(base_url: str) -> dict[str, str]:
    if importlib.util.find_spec(LOGIN_MODULE) is None:
        return {}
    headers: dict[str, str] = importlib.import_module(LOGIN_MODULE).server_headers(base_url)
    return headers
