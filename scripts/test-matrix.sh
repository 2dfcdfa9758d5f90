#!/usr/bin/env bash
# The whole test matrix: builds (or reuses) each lane's environment, runs the pytest
# suite once per lane, prints one summary table and `matrix: <P> passed, <F> failed`.
#
# Usage: scripts/test-matrix.sh [--build-only] [LANE ...] [-- PYTEST-ARGS...]
#   no LANE: the lanes in DEFAULT_LANES of noxfile.py; `all`: every lane in LANES.
#   --build-only: build the environments and check each engine imports; run no tests.
# Environment: MINIKERAS_CACHE (default ~/.cache/minikeras: environments, compile caches,
#   the nox bootstrap), MINIKERAS_RESULTS (default build/test-matrix),
#   MINIKERAS_LANE_TIMEOUT (seconds one lane's pytest may run; default 1200, 0: no limit).
# Exit status: 0 when every lane that can run here passed; lanes whose Python is
# missing are reported NOT RUN and do not fail it.
set -euo pipefail
build_only=()
lanes=()
pytest_args=()
while [ "$#" -gt 0 ]; do
    case "$1" in
        --build-only) build_only=(--build-only) ;;
        --) shift; pytest_args=("$@"); break ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) lanes+=("$1") ;;
    esac
    shift
done

source "$(dirname "${BASH_SOURCE[0]}")/_bootstrap.sh"
export MINIKERAS_RESULTS="${MINIKERAS_RESULTS:-$REPO/build/test-matrix}"
known="$(cd "$REPO" && "$BOOT_PY" -c 'import noxfile; print(" ".join(noxfile.LANES))')"
default="$(cd "$REPO" && "$BOOT_PY" -c 'import noxfile; print(" ".join(noxfile.DEFAULT_LANES))')"
if [ "${#lanes[@]}" -eq 0 ]; then
    read -r -a lanes <<< "$default"
elif [ "${#lanes[@]}" -eq 1 ] && [ "${lanes[0]}" = all ]; then
    read -r -a lanes <<< "$known"
fi
for lane in "${lanes[@]}"; do
    case " $known " in
        *" $lane "*) ;;
        *) echo "error: unknown lane '$lane' (known lanes: $known)" >&2; exit 2 ;;
    esac
done

echo "test matrix: lanes ${lanes[*]}; environments in $MINIKERAS_CACHE/envs; results in $MINIKERAS_RESULTS"
for lane in "${lanes[@]}"; do rm -rf "${MINIKERAS_RESULTS:?}/$lane"; done
# Every lane saves a trained model here and loads the ones the other lanes saved
# (tests/test_portability.py); a second, short pass lets each lane load the files of
# the lanes that ran after it, so every pair of engines is checked.
export MINIKERAS_PORTABILITY_DIR="$MINIKERAS_RESULTS/portability"
rm -rf "$MINIKERAS_PORTABILITY_DIR" "$MINIKERAS_RESULTS/cross-engine"
start=$(date +%s)
nox_rc=0
if [ "${#build_only[@]}" -eq 0 ] && [ "${#lanes[@]}" -gt 1 ] && [ "${MINIKERAS_PARALLEL:-2}" -gt 1 ]; then
    # Lanes that export through another lane's interpreter (export_via in noxfile.py)
    # need that environment: build it before the queues start, whichever queue runs it.
    read -r -a vias <<< "$(cd "$REPO" && "$BOOT_PY" -c '
import sys, noxfile
print(" ".join(noxfile.export_targets(sys.argv[1:])))' "${lanes[@]}")"
    if [ "${#vias[@]}" -gt 0 ]; then
        mkdir -p "$MINIKERAS_RESULTS"
        echo "building first (other lanes export through it): ${vias[*]}"
        run_nox -s "${vias[@]}" -- --build-only > "$MINIKERAS_RESULTS/prebuild.log" 2>&1 || true
    fi
    # Two queues side by side; each queue's log is printed when both are done.
    mapfile -t queues < <(cd "$REPO" && "$BOOT_PY" -c '
import sys, noxfile
for q in noxfile.lane_queues(sys.argv[1:]):
    print(" ".join(q))' "${lanes[@]}")
    pids=()
    for i in "${!queues[@]}"; do
        read -r -a qlanes <<< "${queues[$i]}"
        echo "queue $((i + 1)): ${qlanes[*]}"
        mkdir -p "$MINIKERAS_RESULTS"
        run_nox -s "${qlanes[@]}" -- "${pytest_args[@]}" > "$MINIKERAS_RESULTS/queue-$((i + 1)).log" 2>&1 &
        pids+=($!)
    done
    waited=0
    while kill -0 "${pids[@]}" 2>/dev/null; do
        sleep 10; waited=$((waited + 10))
        if [ $((waited % 300)) -eq 0 ]; then echo "... still testing after $((waited / 60)) min"; fi
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || nox_rc=$?
        echo "===== queue $((i + 1)) log ====="
        cat "$MINIKERAS_RESULTS/queue-$((i + 1)).log"
    done
else
    run_nox -s "${lanes[@]}" -- "${build_only[@]}" "${pytest_args[@]}" || nox_rc=$?
fi
# The R lane (r/, through reticulate) runs on the Pythons of the engine lanes in R_LANES
# (noxfile.py) that this run built: after them, so their environments exist.
summary_lanes=("${lanes[@]}")
r_rc=0
if [ "${#build_only[@]}" -eq 0 ] && [ "${#pytest_args[@]}" -eq 0 ] && [ "${MINIKERAS_R_LANE:-1}" = 1 ]; then
    r_lanes=()
    for l in $(cd "$REPO" && "$BOOT_PY" -c 'import noxfile; print(" ".join(noxfile.R_LANES))'); do
        case " ${lanes[*]} " in *" $l "*) r_lanes+=("$l") ;; esac
    done
    if [ "${#r_lanes[@]}" -gt 0 ]; then
        echo "R lane: minikerasr on the Python of ${r_lanes[*]}"
        "$REPO/scripts/r-lane.sh" --no-build "${r_lanes[@]}" || r_rc=$?
        for l in "${r_lanes[@]}"; do summary_lanes+=("r-$l"); done
    fi
fi
cross_rc=0
if [ "${#build_only[@]}" -eq 0 ] && [ "${#pytest_args[@]}" -eq 0 ] && [ "${#lanes[@]}" -gt 1 ]; then
    echo "cross-engine pass: every lane loads the models every other lane saved"
    MINIKERAS_RESULTS="$MINIKERAS_RESULTS/cross-engine" run_nox -s "${lanes[@]}" -- \
        tests/test_portability.py -k exchange || cross_rc=$?
fi
echo "(nox exit status $nox_rc; matrix wall time $(( $(date +%s) - start )) s)"
summary_rc=0
"$BOOT_PY" "$REPO/tools/matrix_summary.py" "$MINIKERAS_RESULTS" "${summary_lanes[@]}" || summary_rc=$?
if [ -d "$MINIKERAS_RESULTS/cross-engine" ]; then
    echo
    echo "cross-engine loads (each lane loading every other lane's saved model):"
    "$BOOT_PY" "$REPO/tools/matrix_summary.py" "$MINIKERAS_RESULTS/cross-engine" "${lanes[@]}" \
        > "$MINIKERAS_RESULTS/cross-engine/summary.txt" 2>&1 || summary_rc=$?
    grep -v '^matrix:' "$MINIKERAS_RESULTS/cross-engine/summary.txt" || true
    echo
    "$BOOT_PY" "$REPO/tools/matrix_summary.py" "$MINIKERAS_RESULTS" "${summary_lanes[@]}" | tail -n 1
fi
if [ "$summary_rc" -ne 0 ]; then exit "$summary_rc"; fi
if [ "$r_rc" -ne 0 ]; then echo "error: the R lane failed" >&2; exit "$r_rc"; fi
if [ "$cross_rc" -ne 0 ]; then echo "error: the cross-engine pass failed" >&2; exit "$cross_rc"; fi
# nox failing while every lane's result looks fine means something outside the lanes broke.
if [ "$nox_rc" -ne 0 ]; then echo "error: nox exited with status $nox_rc" >&2; exit "$nox_rc"; fi
exit 0
