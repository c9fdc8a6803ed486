"""Benchmark: what authentication costs per request, in CPU microseconds (issue 11).

Renders the service twice with default answers, auth=none and auth=local, installs both, migrates
one PostgreSQL database for both and runs benchmarks/auth_cpu.py with each project's own python:

- verify: the service's own access-token verifier (app/features/auth/access_tokens.py), once per
  signing algorithm AUTH_KEYS_DIR may hold (RS256, the default, and EdDSA): PyJWT's decode alone,
  and decode plus the users-table read that every authenticated request makes;
- request: GET /items/{id} in-process (benchmarks/asgi_cpu.py's driver) with a valid bearer token
  on auth=local, next to the same request without one on auth=none; the difference is the whole
  per-request cost of authentication (token verify, principal, permission check; reads write no
  audit row); interleaved rounds, median per configuration.

CPU time (time.process_time), not wall-clock throughput, so a busy machine moves the figures less.
Settings are production's (benchmarks/observability.py), with key files generated per algorithm.
Usage: python benchmarks/auth_tokens.py [--requests 1500] [--request-rounds 3] [--iterations 2000]
       [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import install, median, render, run, scratch_database, write_report
from observability import benchmark_env, psql

DRIVER = Path(__file__).with_name("auth_cpu.py")
ALGORITHMS = ("RS256", "EdDSA")
UNUSED_OTLP_ENDPOINT = "http://127.0.0.1:9/v1/traces"  # tracing is off in both renders


def driver(project: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    output = run([str(project / ".venv/bin/python"), str(DRIVER), *args], cwd=project, env=env)
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def key_env(project: Path, scratch: Path, env: dict[str, str], algorithm: str) -> dict[str, str]:
    """AUTH_* settings with one signing key of `algorithm`, made by the service's own command."""
    keys_dir = scratch / f"keys-{algorithm}"
    python = str(project / ".venv/bin/python")
    run(
        [
            python,
            "-m",
            "app.features.auth.keys",
            "generate",
            "--dir",
            str(keys_dir),
            "--algorithm",
            algorithm,
            "--kid",
            f"bench-{algorithm.lower()}",
        ],
        cwd=project,
        env=env,
    )
    mfa_key = run([python, "-m", "app.features.auth.mfa_secrets", "generate"], cwd=project, env=env)
    return {"AUTH_KEYS_DIR": str(keys_dir), "AUTH_MFA_ENCRYPTION_KEYS": mfa_key.strip()}


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    cpu = [row["cpu_us_per_request"] for row in rows]
    return {
        "authenticated": rows[0]["authenticated"],
        "cpu_us_per_request": median(cpu),
        "rounds_cpu_us": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500, help="GET /items/{id} per configuration")
    parser.add_argument("--request-rounds", type=int, default=3, help="interleaved, median taken")
    parser.add_argument("--iterations", type=int, default=2000, help="token decodes per round")
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch_name, scratch_database() as database_url:
        scratch = Path(scratch_name)
        env = benchmark_env(database_url, UNUSED_OTLP_ENDPOINT)
        projects = {"none": scratch / "service-auth-none", "local": scratch / "service-auth-local"}
        for answer, project in projects.items():
            print(f"== render and install auth={answer}", file=sys.stderr, flush=True)
            render(project, f"auth={answer}")
            install(project)
            # auth=none first: its single head is the base the auth branches start from.
            run([str(project / ".venv/bin/alembic"), "upgrade", "heads"], cwd=project, env=env)
        item_id = psql(
            env,
            "INSERT INTO items (name, price_cents, created_at, updated_at, version)"
            " VALUES ('auth benchmark item', 999, now(), now(), 1) RETURNING id",
        ).split()[0]
        path = f"/items/{item_id}"
        local_envs = {
            algorithm: {**env, **key_env(projects["local"], scratch, env, algorithm)}
            for algorithm in ALGORITHMS
        }
        verify: dict[str, Any] = {}
        for algorithm, local_env in local_envs.items():
            print(f"== verify, auth=local, {algorithm}", file=sys.stderr, flush=True)
            verify[algorithm] = driver(
                projects["local"], local_env, "verify", str(options.iterations), str(options.rounds)
            )
        runs: dict[str, list[dict[str, Any]]] = {"none": []}
        runs.update({f"local_{algorithm}": [] for algorithm in ALGORITHMS})
        # Interleaved rounds, median per configuration: the machine's load drifts alike for all.
        for round_number in range(options.request_rounds):
            print(f"== GET /items/{{id}}, round {round_number + 1}", file=sys.stderr, flush=True)
            per_round = options.requests // options.request_rounds
            runs["none"].append(driver(projects["none"], env, "request", path, str(per_round)))
            for algorithm, local_env in local_envs.items():
                runs[f"local_{algorithm}"].append(
                    driver(projects["local"], local_env, "request", path, str(per_round))
                )
        requests = {name: summary(rows) for name, rows in runs.items()}
    result = report(verify, requests, options)
    write_report("auth_tokens", result)
    print_table(result)


def report(verify: dict[str, Any], requests: dict[str, Any], options: argparse.Namespace) -> dict[str, Any]:
    base = requests["none"]["cpu_us_per_request"]
    for row in requests.values():
        row["auth_cost_us"] = round(row["cpu_us_per_request"] - base, 1)
    return {
        "benchmark": "auth=local token verification and GET /items/{id} vs auth=none, CPU us, in-process",
        "requests_per_configuration": options.requests,
        "request_rounds": options.request_rounds,
        "concurrency": 16,
        "verify": verify,
        "items_by_id": requests,
    }


def print_table(result: dict[str, Any]) -> None:
    print("\nCPU microseconds (time.process_time), median of rounds / per request")
    print(f"{'measurement':<44}{'RS256':>10}{'EdDSA':>10}")
    verify = result["verify"]
    for label, key in (
        ("token decode (PyJWT, signature + claims)", "decode_cpu_us"),
        ("token verify (decode + users-table read)", "verify_with_user_read_cpu_us"),
    ):
        print(f"{label:<44}{verify['RS256'][key]:>10}{verify['EdDSA'][key]:>10}")
    items = result["items_by_id"]
    print(
        f"{'GET /items/{id}, auth=local':<44}"
        f"{items['local_RS256']['cpu_us_per_request']:>10}"
        f"{items['local_EdDSA']['cpu_us_per_request']:>10}"
    )
    print(
        f"{'GET /items/{id}, auth=none (baseline)':<44}"
        f"{items['none']['cpu_us_per_request']:>10}{items['none']['cpu_us_per_request']:>10}"
    )
    print(
        f"{'authentication per request (difference)':<44}"
        f"{items['local_RS256']['auth_cost_us']:>10}{items['local_EdDSA']['auth_cost_us']:>10}"
    )


if __name__ == "__main__":
    main()
