# Sourced by the scripts: makes ./.venv (Python 3.11+) with uv in it and installs shipyard editable.
# Usage: install_shipyard [EXTRA]   e.g. install_shipyard test

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3 python; do
        if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

# uv trusts only its bundled certificates by default; the system's store is what pip and git already
# use here, so a machine behind a TLS-inspecting proxy installs as well (uv sync in `shipyard check`
# inherits it).
export UV_NATIVE_TLS="${UV_NATIVE_TLS:-1}"

install_shipyard() {
    local extra="${1:-}"
    if [ ! -x .venv/bin/python ]; then
        echo "==> creating .venv"
        "$(find_python)" -m venv .venv
    fi
    if [ ! -x .venv/bin/uv ]; then
        echo "==> installing uv into .venv"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
    fi
    echo "==> installing shipyard${extra:+ with [$extra]}"
    .venv/bin/uv pip install --quiet --python .venv/bin/python -e ".${extra:+[$extra]}"
}
