#!/usr/bin/env bash
# Re-pin a lane's requirements: build a throwaway environment from requirements/<lane>.in
# with the lane's Python and write its `pip freeze` to requirements/<lane>.txt (what the
# matrix installs; its hash is part of the environment's cache key).
# Usage: scripts/lock-requirements.sh LANE...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_bootstrap.sh"
[ "$#" -gt 0 ] || { echo "usage: $0 LANE..." >&2; exit 2; }
for lane in "$@"; do
    info="$(cd "$REPO" && "$BOOT_PY" -c '
import sys, noxfile
spec = noxfile.LANES[sys.argv[1]]
path, version = noxfile.find_python(spec["python"])
print(path or "", " ".join(spec.get("pre_pip", [])))' "$lane")"
    py="${info%% *}"; pre="${info#* }"
    [ -n "$py" ] || { echo "error: no Python for lane $lane" >&2; exit 1; }
    tmp="$(mktemp -d)"
    "$py" -m venv "$tmp/env"
    [ -z "$pre" ] || "$tmp/env/bin/python" -m pip install -q -U $pre
    "$tmp/env/bin/python" -m pip install -q -r "$REPO/requirements/$lane.in"
    {
        echo "# Pinned from requirements/$lane.in by scripts/lock-requirements.sh ($("$tmp/env/bin/python" -V 2>&1))."
        # Exact pins of the .in file win over what the package says of itself
        # (cntk 2.7.post2's metadata calls itself 2.7).
        "$tmp/env/bin/python" -m pip freeze | grep -v -i '^minikeras' | "$BOOT_PY" -c '
import re, sys
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
pins = {}
for line in open(sys.argv[1]):
    m = re.match(r"\s*([A-Za-z0-9._-]+)\s*==\s*([^\s;#]+)\s*$", line)
    if m:
        pins[norm(m.group(1))] = m.group(0).strip()
for line in sys.stdin:
    name = re.split(r"[=<>!~ ]", line.strip(), 1)[0]
    print(pins.get(norm(name), line.rstrip()))' "$REPO/requirements/$lane.in"
    } > "$REPO/requirements/$lane.txt"
    rm -rf "$tmp"
    echo "wrote requirements/$lane.txt"
done
