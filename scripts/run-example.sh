#!/usr/bin/env bash
# Set up (or reuse) the environment of one engine and run an example in it.
# Usage: scripts/run-example.sh [EXAMPLE.py] [ARGS...]     (default examples/mnist_mlp.py)
#   KERAS_BACKEND picks the engine (default tensorflow); the lane for it comes from
#   EXAMPLE_LANE in noxfile.py (MINIKERAS_LANE=<lane> overrides, e.g. theano36).
# The environment is cached in $MINIKERAS_CACHE/envs (default ~/.cache/minikeras), so
# only the first run installs anything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_bootstrap.sh"

example="examples/mnist_mlp.py"
if [ "$#" -gt 0 ] && [[ "$1" == *.py ]]; then example="$1"; shift; fi
case "$example" in /*) ;; *) [ -f "$example" ] || example="$REPO/$example" ;; esac
[ -f "$example" ] || { echo "error: example $example not found" >&2; exit 1; }

export KERAS_BACKEND="${KERAS_BACKEND:-tensorflow}"
lane="${MINIKERAS_LANE:-$(cd "$REPO" && "$BOOT_PY" -c '
import sys, noxfile
b = sys.argv[1]
if b not in noxfile.EXAMPLE_LANE:
    sys.exit("error: KERAS_BACKEND=%s is not an engine minikeras knows (known: %s)"
             % (b, ", ".join(sorted(noxfile.EXAMPLE_LANE))))
print(noxfile.EXAMPLE_LANE[b])' "$KERAS_BACKEND")}"

# Build or reuse the lane's environment (nox's log goes to stderr; results of this
# build step land in a scratch folder, not in the matrix's results).
MINIKERAS_RESULTS="$MINIKERAS_CACHE/example-results" run_nox -s "$lane" -- --build-only >&2
"$BOOT_PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
if s.get("state") != "built":
    sys.exit("error: lane %s is not ready: %s" % (s.get("lane"), s.get("reason") or s.get("state")))
' "$MINIKERAS_CACHE/example-results/$lane/status.json"
pointer="$MINIKERAS_CACHE/envs/$lane.sh"
# shellcheck disable=SC1090
source "$pointer"
cd "$REPO"
exec "$MINIKERAS_LANE_PYTHON" "$example" "$@"
