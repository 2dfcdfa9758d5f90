#!/usr/bin/env bash
# Install Debian packages a lane needs, only those not installed yet (a warm run does
# nothing but ask dpkg). Runs apt-get directly as root, else through `sudo -n`.
# Usage: scripts/apt-install.sh PACKAGE...
set -euo pipefail

missing=()
for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: these Debian packages are needed and missing: ${missing[*]} (no apt-get here;" \
         "install them with your system's package manager)" >&2
    exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "error: need root to install the Debian packages ${missing[*]};" \
             "run: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
fi
echo "apt: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# lanes may build at the same time (scripts/test-matrix.sh runs two queues): one apt at a time
exec 9>/tmp/minikeras-apt.lock
flock 9
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
