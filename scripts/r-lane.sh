#!/usr/bin/env bash
# The R lane: the minikerasr package (r/) tested from R, through reticulate, against the
# Python of some engine lanes; prints `r lane: <P> passed, <F> failed` last.
#
# Usage: scripts/r-lane.sh [--no-build] [--no-example] [LANE ...]   (default: tensorflow cntk36)
#   Installs R and its packages from Debian (scripts/apt-install.sh), installs minikerasr
#   into $MINIKERAS_CACHE/R-lib, then per LANE runs r/tests/testthat (and, unless
#   --no-example, r/examples/mnist_mlp.R, which must reach 0.9 test accuracy) with that
#   lane's Python ($MINIKERAS_CACHE/envs/<lane>.sh). A lane not built yet is built with
#   nox first (as scripts/run-example.sh does), unless --no-build.
# Results: $MINIKERAS_RESULTS/r-<lane>/ (default build/test-matrix): junit.xml and a
#   status.json that tools/matrix_summary.py reads (`matrix_summary.py DIR r-tensorflow`).
# Exit status: 0 when every test (and example) passed in every lane.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MINIKERAS_CACHE="${MINIKERAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minikeras}"
RESULTS="${MINIKERAS_RESULTS:-$REPO/build/test-matrix}"
LANE_TIMEOUT="${MINIKERAS_LANE_TIMEOUT:-1200}"
R_PACKAGES=(r-base-core r-cran-reticulate r-cran-testthat r-cran-magrittr)

build=1; example=1; lanes=()
for arg in "$@"; do
    case "$arg" in
        --no-build) build=0 ;;
        --no-example) example=0 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        -*) echo "error: unknown option $arg" >&2; exit 2 ;;
        *) lanes+=("$arg") ;;
    esac
done
[ "${#lanes[@]}" -gt 0 ] || lanes=(tensorflow cntk36)

start=$(date +%s)
bash "$REPO/scripts/apt-install.sh" "${R_PACKAGES[@]}"
export R_LIBS="$MINIKERAS_CACHE/R-lib"
mkdir -p "$R_LIBS" "$RESULTS"
R CMD INSTALL --no-docs --no-multiarch -l "$R_LIBS" "$REPO/r" > "$RESULTS/r-install.log" 2>&1 || {
    cat "$RESULTS/r-install.log" >&2; echo "error: R CMD INSTALL r/ failed" >&2; exit 1; }
echo "r lane: minikerasr installed in $R_LIBS ($(R --version | head -n 1))"

# status.json for tools/matrix_summary.py: write_status DIR STATE RC SECONDS [KEY=VALUE ...]
write_status() {
    local dir="$1" state="$2" rc="$3" seconds="$4"; shift 4
    local fields="\"state\": \"$state\", \"pytest_rc\": $rc, \"test_seconds\": $seconds"
    local kv
    for kv in "$@"; do fields="$fields, \"${kv%%=*}\": \"${kv#*=}\""; done
    printf '{%s}\n' "$fields" > "$dir/status.json"
}

# Run a command from the repository root with lane $lane's Python (minikerasr reads the
# lane's pointer file), this clone's minikeras first on the path, and a time limit.
in_lane() {
    ( cd "$REPO" && MINIKERASR_LANE="$lane" PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" \
      MINIKERAS_HOME="$out/home" timeout --kill-after=30 "$LANE_TIMEOUT" "$@" )
}

total_passed=0; total_failed=0
for lane in "${lanes[@]}"; do
    out="$RESULTS/r-$lane"
    rm -rf "$out"; mkdir -p "$out"
    pointer="$MINIKERAS_CACHE/envs/$lane.sh"
    if [ ! -f "$pointer" ] && [ "$build" -eq 1 ]; then
        echo "r lane: building the $lane environment first (nox)"
        ( source "$REPO/scripts/_bootstrap.sh"
          MINIKERAS_RESULTS="$MINIKERAS_CACHE/example-results" run_nox -s "$lane" -- --build-only ) >&2 || true
    fi
    if [ ! -f "$pointer" ]; then
        echo "r lane: $lane FAILED: its environment is not built ($pointer missing)" >&2
        write_status "$out" crashed 2 0 "backend=R" \
            "reason=the $lane environment is not built ($pointer missing)"
        total_failed=$((total_failed + 1)); continue
    fi
    lane_start=$(date +%s)
    echo "r lane: $lane: testthat"
    rc=0
    in_lane Rscript scripts/r-lane.R r/tests/testthat "$out" || rc=$?
    counts=(0 0 0 0 "?" "?")
    if [ -f "$out/counts" ]; then mapfile -t counts < "$out/counts"; fi
    passed="${counts[0]}"; failed=$((counts[1] + counts[2]))
    if [ "$example" -eq 1 ]; then
        echo "r lane: $lane: examples/mnist_mlp.R (needs >= 0.9 test accuracy)"
        if in_lane Rscript r/examples/mnist_mlp.R --backend="$lane" --samples=4000 \
               --verbose=2 --min-accuracy=0.9 \
               --plot="$out/mnist_mlp_history.png" > "$out/mnist_mlp.log" 2>&1; then
            passed=$((passed + 1)); grep '^Test accuracy' "$out/mnist_mlp.log" || true
            verdict=''
        else
            failed=$((failed + 1)); rc=1; tail -n 20 "$out/mnist_mlp.log" >&2
            verdict="<failure message=\"see $out/mnist_mlp.log\"/>"
        fi
        # one more test case in junit.xml, for tools/matrix_summary.py's counts
        if [ -f "$out/junit.xml" ]; then
            sed -i "s#^</testsuite>#  <testcase classname=\"examples\" name=\"mnist_mlp.R reaches 0.9 test accuracy\">$verdict</testcase>\n</testsuite>#" "$out/junit.xml"
        fi
    fi
    state=tested; reason=()
    if [ "$rc" -ne 0 ]; then reason=("reason=Rscript exit status $rc"); fi
    if [ "$rc" -gt 1 ] && [ "$failed" -eq 0 ]; then state=crashed; fi
    write_status "$out" "$state" "$((rc > 1 ? 2 : rc))" "$(( $(date +%s) - lane_start ))" \
        "backend=R" "python=R $(R --version | head -n 1 | awk '{print $3}') + Py ${counts[5]:-?}" \
        "engine=${counts[4]//_/ }" "${reason[@]}"
    echo "r lane: $lane: $passed passed, $failed failed ($(( $(date +%s) - lane_start )) s)"
    total_passed=$((total_passed + passed)); total_failed=$((total_failed + failed))
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then total_failed=$((total_failed + 1)); fi
done
echo "r lane: ${lanes[*]} in $(( $(date +%s) - start )) s"
echo "r lane: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
