"""``layer_test``: the declarative check every built-in layer goes through.

For one layer class and its keyword arguments it
- builds the layer on an ``Input`` and checks the symbolic output shape against
  ``compute_output_shape`` (and ``expected_output_shape`` if given);
- checks the number of weights;
- rebuilds the layer from ``get_config()`` (both ``from_config`` and
  ``layers.deserialize(layers.serialize(...))``), copies the weights over, and checks the
  configs are equal;
- runs the original and the rebuilt layer for real in ONE compiled function
  (``K.function``; so Theano compiles once per case), checks the real output shape agrees
  with the symbolic one, the two outputs are equal, and (if given) equal
  ``expected_output``.
"""
import numpy as np

import minikeras.backend as K
from minikeras import layers
from minikeras.layers import Input


def shapes_match(symbolic, real):
    """A symbolic shape (with None) is compatible with a concrete one."""
    return len(symbolic) == len(real) and all(s is None or s == r
                                              for s, r in zip(symbolic, real))


def random_data(shape, dtype='float32', seed=1234):
    concrete = tuple(3 if d is None else d for d in shape)
    rng = np.random.RandomState(seed)
    if dtype.startswith('int'):
        return rng.randint(0, 5, concrete).astype(dtype)
    return rng.uniform(-1, 1, concrete).astype(dtype)


def case(layer_cls, kwargs=None, input_shape=None, input_dtype='float32', input_data=None,
         expected_output=None, expected_output_shape=None, expected_num_weights=None,
         fixed_batch_size=False, rtol=1e-5, atol=1e-5, weights=None):
    """One ``layer_test`` case, to run alone or grouped with ``layer_tests``."""
    return dict(layer_cls=layer_cls, kwargs=dict(kwargs or {}), input_shape=input_shape,
                input_dtype=input_dtype, input_data=input_data,
                expected_output=expected_output, expected_output_shape=expected_output_shape,
                expected_num_weights=expected_num_weights, fixed_batch_size=fixed_batch_size,
                rtol=rtol, atol=atol, weights=weights)


def _describe(c):
    return '%s(%s)' % (c['layer_cls'].__name__,
                       ', '.join('%s=%r' % kv for kv in sorted(c['kwargs'].items())))


def _prepare(c):
    """Build the layer and its clones on an Input; symbolic checks."""
    layer_cls = c['layer_cls']
    input_data = c['input_data']
    input_shape = c['input_shape']
    if input_data is None:
        if input_shape is None:
            raise ValueError('layer_test needs input_shape or input_data')
        input_data = random_data(input_shape, c['input_dtype'])
    input_data = np.asarray(input_data)
    if input_shape is None:
        input_shape = input_data.shape
    batch_shape = tuple(input_shape) if c['fixed_batch_size'] \
        else (None,) + tuple(input_shape[1:])

    layer = layer_cls(**c['kwargs'])
    inp = Input(batch_shape=batch_shape, dtype=str(input_data.dtype))
    out = layer(inp)
    declared = layer.compute_output_shape(batch_shape)
    if declared is not None or not isinstance(layer, layers.Lambda):
        # only Lambda without output_shape may leave the shape to tracing
        assert out.shape == declared, (out.shape, declared)
    if c['expected_output_shape'] is not None:
        assert out.shape == tuple(c['expected_output_shape']), \
            (out.shape, c['expected_output_shape'])
    if c['expected_num_weights'] is not None:
        assert len(layer.weights) == c['expected_num_weights'], layer.weights
    if c['weights'] is not None:
        layer.set_weights(c['weights'])

    # config round trip, two ways
    config = layer.get_config()
    clone = layer_cls.from_config(config)
    assert clone.get_config() == config
    clone2 = layers.deserialize(layers.serialize(layer))
    assert type(clone2) is layer_cls and clone2.get_config() == config
    clone_out = clone(inp)
    assert clone_out.shape == out.shape
    if layer.weights:
        clone.set_weights(layer.get_weights())
    return dict(c, layer=layer, inp=inp, data=input_data, out=out, clone_out=clone_out)


def _check(p, actual, cloned):
    assert shapes_match(p['out'].shape, actual.shape), (p['out'].shape, actual.shape)
    np.testing.assert_allclose(cloned, actual, rtol=p['rtol'], atol=p['atol'])
    if p['expected_output'] is not None:
        np.testing.assert_allclose(actual, p['expected_output'], rtol=p['rtol'],
                                   atol=p['atol'])


def layer_tests(*cases):
    """Run several ``case(...)``s in ONE compiled function (Theano compiles C per
    function); return [(layer, real output)] in order."""
    prepared = []
    for c in cases:
        try:
            prepared.append(_prepare(c))
        except Exception as e:
            raise AssertionError('%s: %s: %s' % (_describe(c), type(e).__name__, e))
    outputs = []
    for p in prepared:
        outputs += [p['out'], p['clone_out']]
    values = K.function([p['inp'] for p in prepared], outputs)([p['data'] for p in prepared])
    results = []
    for i, p in enumerate(prepared):
        try:
            _check(p, values[2 * i], values[2 * i + 1])
        except AssertionError as e:
            raise AssertionError('%s: %s' % (_describe(p), e))
        results.append((p['layer'], values[2 * i]))
    return results


def layer_test(layer_cls, kwargs=None, **options):
    """Check ``layer_cls(**kwargs)`` end to end; return (layer, real output)."""
    return layer_tests(case(layer_cls, kwargs, **options))[0]


def run(inputs, outputs, data, phase=0):
    """Run symbolic ``outputs`` of ``inputs`` on ``data`` in learning ``phase``."""
    inputs, data = list(inputs), list(data)
    return K.function(inputs + [K.learning_phase()], list(outputs))(data + [phase])


def run_with_updates(inp, outputs, data, phase=1):
    """Like ``run`` for one input, also applying the updates layers add while traced
    (how a model's train step collects them): one compiled function."""
    from minikeras.backend import symbolic
    from minikeras.layers.base import call_context
    outputs = list(outputs)

    def fn(x):
        with K.learning_phase_scope(phase), call_context() as ctx:
            values = symbolic.evaluate(outputs, {id(inp): x})
        return list(values), list(ctx.updates)
    return K.compiled_function(fn, [(inp.shape, inp.dtype)])(data)
