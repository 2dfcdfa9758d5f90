# shellcheck shell=bash
# Sourced by the scripts in this folder. Makes sure a small "bootstrap" virtual
# environment with nox exists (outside the clone, under the cache) and defines:
#   REPO            the repository root
#   MINIKERAS_CACHE where environments, the Theano compile cache and the bootstrap live
#   BOOT_PY         the bootstrap environment's python (has nox)
#   run_nox ...     runs nox on the repository's noxfile.py
# Needs only a Python >= 3.8 (python3 on PATH, or a pyenv 3.11) and PyPI.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MINIKERAS_CACHE="${MINIKERAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minikeras}"
NOX_VERSION="${MINIKERAS_NOX_VERSION:-2026.10.20}"
BOOT_DIR="$MINIKERAS_CACHE/bootstrap"
BOOT_PY="$BOOT_DIR/bin/python"

_find_host_python() {
    # Prefer pyenv's 3.11 (the version the modern lanes use), then python3 on PATH.
    local root cand
    if command -v pyenv >/dev/null 2>&1; then
        root="$(pyenv root)"
    else
        root="${PYENV_ROOT:-$HOME/.pyenv}"
    fi
    for cand in $(ls -d "$root"/versions/3.11*/bin/python 2>/dev/null | sort -V -r) \
                "$(command -v python3.11 || true)" "$(command -v python3 || true)"; do
        if [ -n "$cand" ] && [ -x "$cand" ] &&
           "$cand" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 8) else 1)' 2>/dev/null; then
            echo "$cand"
            return 0
        fi
    done
    return 1
}

ensure_bootstrap() {
    local stamp="$BOOT_DIR/.minikeras-nox-$NOX_VERSION" host
    if [ -x "$BOOT_PY" ] && [ -f "$stamp" ] && "$BOOT_PY" -c 'import nox' 2>/dev/null; then
        return 0
    fi
    if ! host="$(_find_host_python)"; then
        echo "error: no Python >= 3.8 found (looked for pyenv 3.11, python3.11, python3) to run nox" >&2
        return 1
    fi
    echo "bootstrap: creating $BOOT_DIR with nox==$NOX_VERSION (host python: $host)" >&2
    rm -rf "$BOOT_DIR"
    mkdir -p "$MINIKERAS_CACHE"
    "$host" -m venv "$BOOT_DIR"
    "$BOOT_PY" -m pip install -q "nox==$NOX_VERSION" >&2
    touch "$stamp"
}

run_nox() {
    (cd "$REPO" && "$BOOT_PY" -m nox -f "$REPO/noxfile.py" "$@")
}

ensure_bootstrap
