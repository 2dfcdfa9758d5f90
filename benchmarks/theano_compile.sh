#!/usr/bin/env bash
# Cold- and warm-cache first-call compile times, minikeras vs hand-written, one process
# each, interleaved; each "cold" run gets its own empty compile cache.
#   PY=<python> IMPL=theano|pytensor bash benchmarks/theano_compile.sh mlp|lstm [rounds]
# SRC: the minikeras checkout to time (default: this one; e.g. an older commit's export).
# KERAS_PY: an interpreter with Keras 2.3.1 and Theano 1.0.5 (benchmarks/README.md): its
# first train_on_batch is timed the same way (keras2_reference.py's keras_compile_s).
set -u
cd "$(dirname "$0")/.."
MODEL=${1:-mlp}; ROUNDS=${2:-2}; IMPL=${IMPL:-theano}
ROOT=$(mktemp -d /tmp/minikeras-compile-XXXX)
export PYTHONPATH=${SRC:-$PWD} KERAS_BACKEND=theano MINIKERAS_THEANO_IMPL=$IMPL
flags() { if [ "$IMPL" = theano ]; then echo "THEANO_FLAGS=base_compiledir=$1,blas.ldflags=-lopenblas"
          else echo "PYTENSOR_FLAGS=base_compiledir=$1,blas__ldflags=-lopenblas"; fi; }
for r in $(seq "$ROUNDS"); do
  for which in minikeras handwritten ${KERAS_PY:+keras}; do
    dir=$ROOT/$which-$r
    if [ $which = keras ]; then
      run=("$KERAS_PY" benchmarks/keras2_reference.py --model "$MODEL" --steps 1 --repeats 1 --warmup 0)
    else
      run=("$PY" benchmarks/theano_compile.py "$MODEL" $which)
    fi
    cold=$(env $(flags "$dir") "${run[@]}" 2>/dev/null | grep compile_s)
    warm=$(env $(flags "$dir") "${run[@]}" 2>/dev/null | grep compile_s)
    echo "$IMPL $MODEL $which round $r: cold ${cold#*compile_s: } s, warm ${warm#*compile_s: } s (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
rm -rf "$ROOT"
