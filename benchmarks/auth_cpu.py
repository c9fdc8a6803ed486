"""Driver: CPU time of verifying the service's own access tokens, and of an authenticated request.

Run with the generated project's interpreter, from the project directory:
    python auth_cpu.py verify [iterations] [rounds]
    python auth_cpu.py request /items/1 [requests] [concurrency]
Both start the app's lifespan in-process (settings from the environment, as the service would).
With auth=local they register one account (argon2id, once, not timed) and issue it a token with
the app's own AccessTokens; `request` then sends that token as a bearer header. With auth=none
`request` sends no header, the baseline. Prints one JSON line.

verify times, per call, `AccessTokens.decode` (PyJWT: header, kid lookup, signature, claims) and
`AccessTokens.verify` (decode plus the users-table read that yields the roles); the median of
`rounds` rounds of `iterations` calls each, in CPU time (time.process_time).
"""

from __future__ import annotations

import importlib
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from asgi_cpu import Headers, drive


def local_auth(app: Any) -> Any:
    """The app's LocalAuth state (auth=local), or None (auth=none)."""
    try:
        state_module = importlib.import_module("app.features.auth.local_state")
    except ModuleNotFoundError:
        return None
    return getattr(app.state, state_module.STATE, None)


async def issued_token(auth: Any) -> str:
    user = await auth.accounts.register(f"bench-{uuid.uuid4().hex[:8]}@example.com", uuid.uuid4().hex)
    if user is None:
        raise SystemExit("could not register the benchmark account")
    token, _ = auth.tokens.issue(int(user.id))
    return str(token)


async def cpu_us_per_call(call: Any, iterations: int, rounds: int, awaited: bool) -> float:
    per_round: list[float] = []
    for _ in range(rounds + 1):  # the first round warms up and is dropped
        started = time.process_time()
        for _ in range(iterations):
            result = call()
            if awaited:
                await result
        per_round.append((time.process_time() - started) / iterations * 1e6)
    return round(statistics.median(per_round[1:]), 1)


async def verify(app: Any, iterations: int, rounds: int) -> dict[str, Any]:
    auth = local_auth(app)
    if auth is None:
        raise SystemExit("verify needs a service rendered with auth=local")
    token = await issued_token(auth)
    tokens = auth.tokens
    principal = await tokens.verify(token)
    if "member" not in principal.roles:
        raise SystemExit(f"the benchmark token verified with roles {sorted(principal.roles)}")
    return {
        "algorithm": tokens.keys.signing.algorithm,
        "kid": tokens.keys.signing.kid,
        "token_bytes": len(token),
        "decode_cpu_us": await cpu_us_per_call(lambda: tokens.decode(token), iterations, rounds, False),
        # Fewer: each one is a database round trip.
        "verify_with_user_read_cpu_us": await cpu_us_per_call(
            lambda: tokens.verify(token), max(iterations // 5, 1), rounds, True
        ),
        "iterations": iterations,
        "rounds": rounds,
    }


async def request(app: Any, path: str, requests: int, concurrency: int) -> dict[str, Any]:
    auth = local_auth(app)
    headers: Headers = ()
    if auth is not None:
        headers = ((b"authorization", f"Bearer {await issued_token(auth)}".encode()),)
    cpu_us, rps = await drive(app, path, requests, concurrency, headers)
    return {
        "authenticated": auth is not None,
        "cpu_us_per_request": round(cpu_us, 1),
        "requests_per_second": round(rps),
    }


async def main() -> None:
    mode = sys.argv[1]
    sys.path.insert(0, str(Path.cwd()))
    app = importlib.import_module("app.main").create_app()
    async with app.router.lifespan_context(app):
        if mode == "verify":
            iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
            rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
            result = await verify(app, iterations, rounds)
        elif mode == "request":
            requests = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
            concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 16
            result = await request(app, sys.argv[2], requests, concurrency)
        else:
            raise SystemExit(f"unknown mode {mode!r}: use verify or request")
    print(json.dumps(result))


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
