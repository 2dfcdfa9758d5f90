"""Helpers of the Keras 2.3.1 scripts in this folder (plain Keras 2 code: they run under
real Keras 2.3.1 to record the expected values, and under ``minikeras-run`` in tests).

``report(name, value)`` prints one ``R <name> <json>`` line; ``fix_weights(model)`` gives
every weight seeded values, layer by layer in ``model.layers`` order (so a model whose
layers come in another order than Keras's gets other values)."""
import json

import numpy as np


def report(name, value):
    print('R %s %s' % (name, json.dumps(value, default=lambda o: np.asarray(o).tolist())))


def fix_weights(model, seed=0, scale=0.3):
    from keras import backend as K
    rs = np.random.RandomState(seed)
    values = []
    for layer in model.layers:
        for w in layer.weights:
            v = rs.uniform(-scale, scale, K.int_shape(w))
            if 'variance' in w.name:
                v = np.abs(v) + 0.5
            values.append(v.astype('float32'))
    model.set_weights(values)


def exception_kinds(error):
    """The built-in exception classes ``error`` is an instance of (what ``except``
    clauses written for Keras 2.3.1 can rely on)."""
    kinds = (ValueError, TypeError, IndexError, KeyError, OSError, RuntimeError,
             AttributeError, NotImplementedError, AssertionError)
    return sorted(k.__name__ for k in kinds if isinstance(error, k))


def attempt(name, fn):
    try:
        fn()
        report(name, 'ok')
    except Exception as e:  # noqa: BLE001  (the kind of failure is the result)
        report(name, {'raised': exception_kinds(e)})


def parse_report(text):
    """{name: value} of the ``report`` lines in ``text`` (a script's output)."""
    values = {}
    for line in text.splitlines():
        if line.startswith('R '):
            _, name, value = line.split(' ', 2)
            values[name] = json.loads(value)
    return values


def history_values(history, digits=4):
    return {k: [round(float(v), digits) for v in history.history[k]]
            for k in sorted(history.history)}
