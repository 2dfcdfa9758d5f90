#!/usr/bin/env bash
# Run both step benchmarks on every engine lane, with the Keras 2 reference, one process
# at a time; logs go to $OUT (default /tmp/minikeras-bench). The interpreters are the
# environments described in benchmarks/README.md; override them with the variables below.
#
#   bash benchmarks/run_all.sh [mlp|lstm|all] [extra benchmark options, e.g. --steps 20]
set -u
cd "$(dirname "$0")/.."
WHAT=${1:-all}; shift || true
OUT=${OUT:-/tmp/minikeras-bench}
TF_PY=${TF_PY:-/tmp/warm/tf/bin/python}                 # minikeras on TensorFlow 2.21
PY36=${PY36:-/tmp/warm/py36/bin/python}                 # minikeras on Theano 1.0.5, CNTK 2.7
PYTENSOR_PY=${PYTENSOR_PY:-/tmp/warm/pytensor/bin/python}   # minikeras on PyTensor
MXNET_PY=${MXNET_PY:-/tmp/warm/mxnet/bin/python}        # minikeras on MXNet 1.9.1
KERAS23=${KERAS23:-/tmp/warm/keras23/bin/python}        # Keras 2.3.1 (TF 2.2.3/Theano/CNTK)
KERAS_MX=${KERAS_MX:-/tmp/warm/keras-mxnet/bin/python}  # keras-mxnet 2.2.4.3
mkdir -p "$OUT"
export PYTHONPATH=$PWD
# A private Theano/PyTensor compile cache: the shared ~/.theano is locked while other
# processes compile, which would show up as compile time. Theano lanes get one untimed
# warm-up pass first, so the compile times printed are warm-cache ones (set WARM=0 to see
# cold ones on a fresh cache).
CACHE=${CACHE:-/tmp/minikeras-bench-compiledir}
export THEANO_FLAGS=${THEANO_FLAGS:-base_compiledir=$CACHE/theano}
export PYTENSOR_FLAGS=${PYTENSOR_FLAGS:-base_compiledir=$CACHE/pytensor}
WARM=${WARM:-1}

lane() {   # name python engine keras-python
    local name=$1 py=$2 engine=$3 keras=$4; shift 4
    for model in mlp lstm; do
        [ "$WHAT" = all ] || [ "$WHAT" = $model ] || continue
        local script=benchmarks/mnist_mlp_step.py
        [ $model = lstm ] && script=benchmarks/lstm_step.py
        local extra=()
        [ -x "$keras" ] && extra=(--keras-python "$keras")
        if [ "$WARM" = 1 ] && [ "$engine" = theano ]; then
            env "$@" KERAS_BACKEND=$engine "$py" $script "${extra[@]}" --steps 1 --repeats 1 \
                --warmup 0 > "$OUT/$name-$model.warmup.log" 2>&1
        fi
        echo "== $name $model ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))"
        env "$@" KERAS_BACKEND=$engine "$py" $script "${extra[@]}" "${BENCH_ARGS[@]}" \
            > "$OUT/$name-$model.log" 2>&1
        echo "   exit $?"
        grep -E '^(engine|minikeras|hand-written|Keras|ratio|compile)' "$OUT/$name-$model.log"
    done
}

BENCH_ARGS=("$@")
lane tensorflow "$TF_PY" tensorflow "$KERAS23"
lane theano "$PY36" theano "$KERAS23" MINIKERAS_THEANO_IMPL=theano
lane pytensor "$PYTENSOR_PY" theano "$KERAS23" MINIKERAS_THEANO_IMPL=pytensor
lane cntk "$PY36" cntk "$KERAS23"
lane mxnet "$MXNET_PY" mxnet "$KERAS_MX"
