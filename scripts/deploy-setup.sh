#!/usr/bin/env bash
# Everything the deploy lane (tests/deploy, minikeras-deploy) needs outside pip, each step
# skipped when already done (a warm run only checks):
#   1. Debian packages: chromium (headless browser), qemu-user-static + mmdebstrap (the
#      arm64 root), nodejs + npm when no node is on PATH;
#   2. npm ci in deploy/web (onnxruntime-web, onnxruntime-node; exact versions from
#      package-lock.json), npm's cache in $MINIKERAS_CACHE/npm; redone when the lockfile
#      changes;
#   3. the arm64 Debian root with LiteRT (scripts/arm64-root.sh).
# The Python side is requirements/deploy.txt (the nox lane `deploy` installs it, or:
#   python3.11 -m venv .venv && .venv/bin/pip install -r requirements/deploy.txt).
# Usage: scripts/deploy-setup.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cache="${MINIKERAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minikeras}"
start=$(date +%s)

packages=(chromium qemu-user-static mmdebstrap)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
bash "$here/apt-install.sh" "${packages[@]}"

web="$repo/deploy/web"
stamp="$web/node_modules/.minikeras-lock"
lock_hash="$(sha256sum "$web/package-lock.json" | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
    echo "deploy-setup: reusing deploy/web/node_modules"
else
    echo "deploy-setup: npm ci in deploy/web"
    # --ignore-scripts: the packages ship their binaries; onnxruntime-node's postinstall would
    # only fetch optional CUDA libraries from outside the npm registry
    (cd "$web" && npm ci --ignore-scripts --no-audit --no-fund --cache "$cache/npm" >/dev/null)
    echo "$lock_hash" > "$stamp"
fi

bash "$here/arm64-root.sh"
echo "deploy-setup: ready in $(( $(date +%s) - start )) s" \
     "($(chromium --version 2>/dev/null | cut -d' ' -f1-2), node $(node --version)," \
     "$(qemu-aarch64-static --version | head -1 | cut -d' ' -f1-3))"
