#!/usr/bin/env bash
# Smoke test of a running deployment: scripts/smoke_test.sh BASE_URL (e.g. https://staging.example.com).
#
# Checks what a user would notice first: liveness, readiness, an items round trip (create, read,
# update with If-Match, delete), /metrics when the service exposes it, and a problem+json 404.
# Needs only bash and curl. Exits 0 when every check passes; otherwise prints one line
# "smoke test FAILED: <check>: <what was seen>" and exits 1 (2 for a usage error).
#
# Environment:
#   SMOKE_TIMEOUT_SECONDS   per-request timeout (default 10)
#   SMOKE_REQUIRE_METRICS   1: /metrics must answer 200 with Prometheus text; 0 (default): checked when
#                           served, skipped on 404 (metrics off, or on a separate METRICS_PORT)
#   SMOKE_METRICS_URL       where /metrics is served when not on BASE_URL (e.g. http://10.0.0.5:9100)
#   SMOKE_HEADERS           extra curl header, e.g. "Authorization: Bearer ..." (one header)
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 BASE_URL   (e.g. $0 http://127.0.0.1:8000)" >&2
    exit 2
fi
BASE_URL="${1%/}"
TIMEOUT="${SMOKE_TIMEOUT_SECONDS:-10}"
REQUIRE_METRICS="${SMOKE_REQUIRE_METRICS:-0}"
METRICS_URL="${SMOKE_METRICS_URL:-$BASE_URL}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fail() {
    echo "smoke test FAILED: $1" >&2
    exit 1
}

pass() {
    echo "ok   $1"
}

# request METHOD URL [curl args...]: body in $WORK/body, headers in $WORK/head, status in STATUS.
request() {
    local method="$1" url="$2"
    shift 2
    local extra=()
    if [[ -n "${SMOKE_HEADERS:-}" ]]; then
        extra=(-H "$SMOKE_HEADERS")
    fi
    if ! STATUS="$(curl --silent --show-error --max-time "$TIMEOUT" -X "$method" \
        -o "$WORK/body" -D "$WORK/head" -w '%{http_code}' "${extra[@]}" "$@" "$url" 2>"$WORK/err")"; then
        fail "$method $url: no answer ($(tr -d '\n' <"$WORK/err"))"
    fi
}

expect_status() {
    local check="$1" wanted="$2"
    if [[ "$STATUS" != "$wanted" ]]; then
        fail "$check: expected HTTP $wanted, got $STATUS: $(head -c 300 "$WORK/body" | tr -d '\n')"
    fi
}

header() {
    # The value of header $1 in the last response (case-insensitive name, CR stripped).
    grep -i "^$1:" "$WORK/head" | tail -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'
}

json_field() {
    # A top-level number or string field of the last JSON body (enough for id and name).
    sed -n "s/.*\"$1\": *\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" "$WORK/body" | head -n 1
}

request GET "$BASE_URL/healthz"
expect_status "liveness /healthz" 200
pass "liveness /healthz"

request GET "$BASE_URL/readyz"
expect_status "readiness /readyz" 200
pass "readiness /readyz"

NAME="smoke-$(date +%s)-$RANDOM"
request POST "$BASE_URL/items" -H 'Content-Type: application/json' \
    --data "{\"name\": \"$NAME\", \"price\": \"1.25\"}"
expect_status "create item" 201
ID="$(json_field id)"
ETAG="$(header etag)"
[[ -n "$ID" && -n "$ETAG" ]] || fail "create item: no id or ETag in the answer"
pass "create item $ID"

request GET "$BASE_URL/items/$ID"
expect_status "read item $ID" 200
[[ "$(json_field name)" == "$NAME" ]] || fail "read item $ID: name is not the one created"
pass "read item $ID"

request PATCH "$BASE_URL/items/$ID" -H 'Content-Type: application/json' -H "If-Match: $ETAG" \
    --data '{"price": "2.50"}'
expect_status "update item $ID with If-Match" 200
NEW_ETAG="$(header etag)"
[[ -n "$NEW_ETAG" && "$NEW_ETAG" != "$ETAG" ]] || fail "update item $ID: the ETag did not change"
pass "update item $ID with If-Match"

request PATCH "$BASE_URL/items/$ID" -H 'Content-Type: application/json' -H "If-Match: $ETAG" \
    --data '{"price": "3.75"}'
expect_status "update item $ID with a stale If-Match" 412
pass "stale If-Match refused (412)"

request DELETE "$BASE_URL/items/$ID" -H "If-Match: $NEW_ETAG"
expect_status "delete item $ID" 204
request GET "$BASE_URL/items/$ID"
expect_status "read deleted item $ID" 404
pass "delete item $ID"

if ! grep -qi '^content-type: *application/problem+json' "$WORK/head"; then
    fail "404 answer: Content-Type is not application/problem+json"
fi
grep -q '"status": *404' "$WORK/body" || fail "404 answer: the problem body has no \"status\": 404"
pass "404 is problem+json"

request GET "$METRICS_URL/metrics"
if [[ "$STATUS" == 200 ]]; then
    grep -q '^# TYPE ' "$WORK/body" || fail "/metrics: 200 but not Prometheus text"
    pass "/metrics"
elif [[ "$STATUS" == 404 && "$REQUIRE_METRICS" != 1 ]]; then
    echo "skip /metrics (404: metrics off here, or served on METRICS_PORT; set SMOKE_METRICS_URL)"
else
    fail "/metrics: expected HTTP 200, got $STATUS"
fi

echo "smoke test passed: $BASE_URL"
