"""``K.*`` functions that are the same on every engine, written with contract ops."""
from minikeras.backend import symbolic
from minikeras.backend.state import LearningPhase, reset_uids
from minikeras.backend.state import (  # noqa: F401  (Keras 2.3.1's keras.backend.common)
    epsilon, floatx, image_data_format, normalize_data_format, set_epsilon, set_floatx,
    set_image_data_format)
from minikeras.utils import nest


class name_scope(object):
    """Keras 2.3.1 ``K.name_scope(name)``: a context manager grouping op names. minikeras
    names variables itself, so the scope only records its name."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        return self.name

    def __exit__(self, *exc):
        return False


def eager(func):
    """Keras 2.3.1 decorator that runs ``func`` eagerly on TensorFlow; returned as is."""
    return func


def image_dim_ordering():
    """Keras 2 legacy getter: 'th' for channels_first, 'tf' for channels_last."""
    return 'th' if image_data_format() == 'channels_first' else 'tf'


def set_image_dim_ordering(dim_ordering):
    """Keras 2 legacy setter of ``image_data_format``: 'tf' (channels_last) or 'th'
    (channels_first)."""
    if dim_ordering not in ('tf', 'th'):
        raise ValueError('Unknown dim_ordering: %r (expected "tf" or "th")' % (dim_ordering,))
    set_image_data_format('channels_first' if dim_ordering == 'th' else 'channels_last')


def cast_to_floatx(x):
    """A numpy array of ``x`` in ``floatx()`` (Keras 2.3.1 ``K.cast_to_floatx``)."""
    import numpy as np
    return np.asarray(x, dtype=floatx())


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input for ``function``."""
    from minikeras.backend.state import floatx
    if sparse:
        raise NotImplementedError('sparse placeholders are not supported')
    if shape is None:
        if ndim is None:
            raise ValueError('placeholder needs a shape or ndim, received neither')
        shape = (None,) * ndim
    return symbolic.KerasTensor(shape, dtype or floatx(), name=name)


def is_keras_tensor(x):
    return isinstance(x, symbolic.KerasTensor)


def is_placeholder(x):
    return isinstance(x, symbolic.KerasTensor) and x.node is None


def update(x, new_x):
    """An update pair for ``function(..., updates=...)`` and layers' ``add_update``."""
    return (x, new_x)


def update_add(x, increment):
    return (x, x + increment)


def update_sub(x, decrement):
    return (x, x - decrement)


def moving_average_update(x, value, momentum):
    """Update pair moving variable ``x`` towards ``value``: x*m + value*(1-m)."""
    return (x, x * momentum + value * (1. - momentum))


def batch_get_value(ops):
    import minikeras.backend as K
    return [K.get_value(x) for x in ops]


def batch_set_value(tuples):
    import minikeras.backend as K
    for x, value in tuples:
        K.set_value(x, value)


def clear_session():
    """Forget layer-name counters; models already built keep working."""
    reset_uids()


class Function(object):
    """What ``function`` returns: call it with a list of numpy arrays."""

    def __init__(self, inputs, outputs, updates=None, name=None):
        import minikeras.backend as K
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.updates = list(updates or [])
        self._phase_positions = [i for i, x in enumerate(self.inputs)
                                 if isinstance(x, LearningPhase)]
        for i, x in enumerate(self.inputs):
            if i not in self._phase_positions and not isinstance(x, symbolic.KerasTensor):
                raise TypeError('function inputs must be placeholders, Input tensors or '
                                'K.learning_phase(); input %d is %r' % (i, x))
        self._tensor_inputs = [x for x in self.inputs if isinstance(x, symbolic.KerasTensor)]
        self._specs = [(x.shape, x.dtype) for x in self._tensor_inputs]
        self._compiled = {}
        self._name = name
        self._K = K

    def _build(self, phase):
        from minikeras.backend.state import learning_phase_scope
        K = self._K
        targets = self.outputs + [v for _, v in self.updates]

        def fn(*tensors):
            feed = dict((id(kt), t) for kt, t in zip(self._tensor_inputs, tensors))
            with learning_phase_scope(phase):
                values = symbolic.evaluate(targets, feed)
            n = len(self.outputs)
            updates = [(var, val) for (var, _), val in zip(self.updates, values[n:])]
            return values[:n], updates
        return K.compiled_function(fn, self._specs, name=self._name)

    def __call__(self, inputs):
        inputs = nest.to_list(inputs)
        if len(inputs) != len(self.inputs):
            raise ValueError('function expects %d inputs, received %d'
                             % (len(self.inputs), len(inputs)))
        phase = 0
        for i in self._phase_positions:
            phase = int(inputs[i])
        if phase not in self._compiled:
            self._compiled[phase] = self._build(phase)
        arrays = [x for i, x in enumerate(inputs) if i not in self._phase_positions]
        return self._compiled[phase](*arrays)


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """Keras 2 ``K.function``: compile symbolic ``outputs`` of symbolic ``inputs``."""
    if kwargs:
        raise TypeError('function: unexpected arguments %s' % ', '.join(sorted(kwargs)))
    return Function(nest.to_list(inputs), nest.to_list(outputs), updates, name)
