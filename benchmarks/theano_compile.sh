#!/usr/bin/env bash
# Cold- and warm-cache first-call compile times, minikeras vs hand-written, one process
# each, interleaved; each "cold" run gets its own empty compile cache.
#   PY=<python> IMPL=theano|pytensor bash benchmarks/theano_compile.sh mlp|lstm [rounds]
# SRC: the minikeras checkout to time (default: this one; e.g. an older commit's export).
set -u
cd "$(dirname "$0")/.."
MODEL=${1:-mlp}; ROUNDS=${2:-2}; IMPL=${IMPL:-theano}
ROOT=$(mktemp -d /tmp/minikeras-compile-XXXX)
export PYTHONPATH=${SRC:-$PWD} KERAS_BACKEND=theano MINIKERAS_THEANO_IMPL=$IMPL
flags() { if [ "$IMPL" = theano ]; then echo "THEANO_FLAGS=base_compiledir=$1,blas.ldflags=-lopenblas"
          else echo "PYTENSOR_FLAGS=base_compiledir=$1,blas__ldflags=-lopenblas"; fi; }
for r in $(seq "$ROUNDS"); do
  for which in minikeras handwritten; do
    dir=$ROOT/$which-$r
    cold=$(env $(flags "$dir") "$PY" benchmarks/theano_compile.py "$MODEL" $which 2>/dev/null | grep compile_s)
    warm=$(env $(flags "$dir") "$PY" benchmarks/theano_compile.py "$MODEL" $which 2>/dev/null | grep compile_s)
    echo "$IMPL $MODEL $which round $r: cold ${cold#compile_s: } s, warm ${warm#compile_s: } s (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
rm -rf "$ROOT"
