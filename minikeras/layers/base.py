"""The Layer base class, InputSpec, and the per-call context that collects losses and
updates while a model's step is traced."""
import re

import numpy as np

import minikeras.backend as K
from minikeras.backend.symbolic import KerasTensor, Node
from minikeras.utils import nest, object_registration


class CallContext(object):
    """Losses and updates produced by layers while one forward pass is traced."""

    def __init__(self):
        self.losses = []
        self.updates = []          # training-only updates (e.g. BatchNorm statistics)
        self.state_updates = []    # updates every mode applies (stateful RNN states)


_CONTEXTS = []


def current_context():
    return _CONTEXTS[-1] if _CONTEXTS else None


class call_context(object):
    def __enter__(self):
        ctx = CallContext()
        _CONTEXTS.append(ctx)
        return ctx

    def __exit__(self, *exc):
        _CONTEXTS.pop()


class active_context(object):
    """Make an existing CallContext current again (the step computes losses and metrics
    after the forward pass, and stateful metrics record their updates there)."""

    def __init__(self, ctx):
        self.ctx = ctx

    def __enter__(self):
        _CONTEXTS.append(self.ctx)
        return self.ctx

    def __exit__(self, *exc):
        _CONTEXTS.pop()


def _snake(name):
    s = re.sub('(.)([A-Z][a-z0-9]+)', r'\1_\2', name)
    return re.sub('([a-z])([A-Z])', r'\1_\2', s).lower()


def shape_of(x):
    if isinstance(x, KerasTensor):
        return x.shape
    if isinstance(x, np.ndarray):
        return x.shape
    return K.int_shape(x)


class InputSpec(object):
    """Constraints a layer puts on its input: ndim / min_ndim / known axis sizes."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}


class Layer(object):
    """Base class of all layers (Keras 2 API).

    Subclasses implement ``build(input_shape)`` (create weights with ``add_weight``),
    ``call(inputs, **kwargs)`` (contract ops only), ``compute_output_shape(input_shape)``
    and ``get_config()``.
    """

    _ALLOWED_KWARGS = ('input_shape', 'batch_input_shape', 'batch_size', 'dtype', 'name',
                       'trainable', 'weights', 'input_dtype')

    def __init__(self, **kwargs):
        for key in kwargs:
            if key not in self._ALLOWED_KWARGS:
                raise TypeError('%s: unexpected keyword argument %r'
                                % (type(self).__name__, key))
        name = kwargs.get('name')
        if not name:
            prefix = _snake(type(self).__name__)
            name = '%s_%d' % (prefix, K.get_uid(prefix))
        self.name = name
        self.trainable = kwargs.get('trainable', True)
        self.dtype = kwargs.get('dtype') or kwargs.get('input_dtype') or K.floatx()
        self.supports_masking = getattr(self, 'supports_masking', False)
        self.input_spec = None
        self.built = False
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._regularized = []          # (regularizer, variable)
        self._weight_names = {}         # id(variable) -> 'layer/weight:0'
        self._symbolic_losses = []
        self._symbolic_updates = []
        self._inbound_nodes = []
        self._initial_weights = kwargs.get('weights')
        self._built_input_shape = None
        if 'batch_input_shape' in kwargs or 'input_shape' in kwargs:
            if 'batch_input_shape' in kwargs:
                batch_input_shape = tuple(kwargs['batch_input_shape'])
            else:
                batch_input_shape = (kwargs.get('batch_size'),) + tuple(kwargs['input_shape'])
            self.batch_input_shape = batch_input_shape

    # --- weights ----------------------------------------------------------------------
    def add_weight(self, name=None, shape=None, dtype=None, initializer=None,
                   regularizer=None, trainable=True, constraint=None):
        from minikeras import constraints, initializers, regularizers
        shape = tuple(int(d) for d in shape)
        object_registration.charge_weights(self.name, name, shape)  # bounded when loading
        dtype = dtype or self.dtype or K.floatx()
        init = initializers.get(initializer or 'glorot_uniform')
        value = init(shape, dtype=dtype)
        if K.is_tensor(value):
            value = K.eval(value)
        value = np.asarray(value, dtype=dtype)
        if value.shape != shape:
            raise ValueError('layer %s: initializer for weight %r returned shape %s, '
                             'expected %s' % (self.name, name, value.shape, shape))
        var = K.variable(value, dtype=dtype, name='%s/%s' % (self.name, name),
                         constraint=constraints.get(constraint))
        self._weight_names[id(var)] = '%s/%s:0' % (self.name, name)
        if trainable:
            self._trainable_weights.append(var)
        else:
            self._non_trainable_weights.append(var)
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            self._regularized.append((regularizer, var))
        return var

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return list(self._trainable_weights) + self._sublayer_weights('trainable_weights')

    @property
    def non_trainable_weights(self):
        own = list(self._non_trainable_weights)
        if not self.trainable:
            own = list(self._trainable_weights) + own + \
                self._sublayer_weights('trainable_weights', force=True)
        return own + self._sublayer_weights('non_trainable_weights')

    def _sublayer_weights(self, attr, force=False):
        out = []
        for layer in self._sublayers():
            if force:
                out.extend(layer._trainable_weights)
            else:
                out.extend(getattr(layer, attr))
        return out

    def _sublayers(self):
        """Layers held by this layer (wrappers, models). Overridden by containers."""
        return []

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    def weight_name(self, variable):
        """The saved name of one of this layer's weights ('dense_1/kernel:0')."""
        if id(variable) in self._weight_names:
            return self._weight_names[id(variable)]
        for layer in self._sublayers():
            name = layer.weight_name(variable)
            if name is not None:
                return name
        return None

    def get_weights(self):
        return [K.get_value(w) for w in self.weights]

    def set_weights(self, weights):
        params = self.weights
        if len(params) != len(weights):
            raise ValueError('layer %s: set_weights received %d arrays, the layer has %d '
                             'weights' % (self.name, len(weights), len(params)))
        pairs = []
        for p, w in zip(params, weights):
            w = np.asarray(w)
            if K.int_shape(p) != w.shape:
                raise ValueError('layer %s: weight %s has shape %s, received an array of '
                                 'shape %s' % (self.name, getattr(p, 'name', '?'),
                                               K.int_shape(p), w.shape))
            pairs.append((p, w))
        for p, w in pairs:
            K.set_value(p, w)

    def count_params(self):
        if not self.built:
            raise ValueError('layer %s is not built yet, so its weights do not exist; '
                             'call it on an input first' % self.name)
        return int(sum(np.prod(K.int_shape(w)) for w in self.weights))

    # --- losses and updates -------------------------------------------------------------
    def add_loss(self, losses, inputs=None):
        """A symbolic tensor of the model's graph (evaluated in every training step), a
        tensor computed inside ``call``, or a zero-argument callable (evaluated in every
        step, e.g. a penalty on weights)."""
        ctx = current_context()
        for loss in nest.to_list(losses):
            if loss is None:
                continue
            if isinstance(loss, KerasTensor):
                if not any(loss is l for l in self._symbolic_losses):
                    self._symbolic_losses.append(loss)
            elif callable(loss):
                self.__dict__.setdefault('_callable_losses', []).append(loss)
            elif ctx is not None:
                ctx.losses.append(loss)
            else:
                raise ValueError('%s.add_loss outside call() needs a symbolic tensor (made '
                                 'from Input and layer outputs) or a zero-argument callable; '
                                 'received %r' % (self.name, loss))

    def add_metric(self, value, aggregation=None, name=None):
        """Report ``value`` (its running mean over the epoch) as metric ``name`` (Keras
        2.3.1). From ``call``, or on a model with a symbolic tensor of its graph."""
        if aggregation not in (None, 'mean'):
            raise ValueError('We currently support only `mean` sample-wise metric '
                             'aggregation. You provided aggregation=`%s`' % (aggregation,))
        if not name:
            raise ValueError('Please provide a name for your metric like '
                             'self.add_metric(K.sum(inputs), name="mean_activation", '
                             'aggregation="mean")')
        names = self.__dict__.setdefault('_added_metric_names', [])
        if name not in names:
            names.append(name)
        ctx = current_context()
        if isinstance(value, KerasTensor):
            symbolic = self.__dict__.setdefault('_symbolic_metrics', {})
            symbolic[name] = value
        elif ctx is not None:
            if not hasattr(ctx, 'added_metrics'):
                ctx.added_metrics = {}
            ctx.added_metrics[name] = value
        else:
            raise ValueError('%s.add_metric(%r) outside call() needs a symbolic tensor made '
                             'from Input and layer outputs' % (self.name, name))

    def add_update(self, updates, inputs=None):
        ctx = current_context()
        for update in nest.to_list(updates) if isinstance(updates, list) else [updates]:
            if any(isinstance(v, KerasTensor) for v in nest.flatten(update)):
                self._symbolic_updates.append(update)
            elif ctx is not None:
                ctx.updates.append(update)

    def regularization_losses(self):
        """Weight regularization terms as engine tensors (call inside a trace)."""
        out = [reg(var) for reg, var in self._regularized]
        out.extend(fn() for fn in self.__dict__.get('_callable_losses', []))
        for layer in self._sublayers():
            out.extend(layer.regularization_losses())
        return out

    @property
    def losses(self):
        return list(self._symbolic_losses)

    @property
    def updates(self):
        return list(self._symbolic_updates)

    # --- building and calling ------------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        return None  # unknown: shapes are traced through call()

    def compute_mask(self, inputs, mask=None):
        if not self.supports_masking:
            return None
        return mask

    def _maybe_build(self, inputs):
        if self.built:
            return
        shapes = nest.map_structure(shape_of, inputs)
        self._built_input_shape = shapes
        self.build(nest.unpack_singleton(shapes) if isinstance(shapes, list) else shapes)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _check_input(self, inputs):
        """A layer with weights was built for one input shape; refuse another."""
        if not self.weights or self._built_input_shape is None:
            return
        got = nest.map_structure(shape_of, inputs)
        want = self._built_input_shape
        flat_got, flat_want = nest.flatten(got), nest.flatten(want)
        if len(flat_got) != len(flat_want) or _incompatible(got, want):
            raise ValueError('layer %s was built for input shape %s but received input of '
                             'shape %s' % (self.name, _fmt_shape(want), _fmt_shape(got)))

    def __call__(self, inputs, *args, **kwargs):
        flat = nest.flatten(inputs)
        symbolic = any(isinstance(x, KerasTensor) for x in flat)
        self._maybe_build(inputs)
        self._check_input(inputs)
        if 'mask' in kwargs:
            input_mask = kwargs['mask']
        else:
            masks = [getattr(x, '_keras_mask', None) for x in flat]
            input_mask = None
            if any(m is not None for m in masks):
                input_mask = masks if isinstance(inputs, list) else masks[0]
            if input_mask is not None and self._accepts('mask'):
                kwargs['mask'] = input_mask
        if symbolic:
            return self._call_symbolic(inputs, args, kwargs, input_mask)
        outputs = self.call(inputs, *args, **kwargs)
        ctx = current_context()
        if ctx is not None and getattr(self, 'activity_regularizer', None) is not None:
            for out in nest.flatten(outputs):
                ctx.losses.append(self.activity_regularizer(out))
        return outputs

    def _accepts(self, arg):
        import inspect
        try:
            return arg in inspect.signature(self.call).parameters
        except (TypeError, ValueError):
            return False

    def _call_symbolic(self, inputs, args, kwargs, input_mask=None):
        input_shapes = nest.map_structure(shape_of, inputs)
        out_shape = self.compute_output_shape(
            nest.unpack_singleton(input_shapes) if isinstance(input_shapes, list)
            else input_shapes)
        if out_shape is None:
            # no compute_output_shape: trace call() on the symbolic inputs (backend ops
            # record their shapes), then keep only the shapes and dtypes it produced
            traced = self.call(inputs, *args, **kwargs)
            outputs = nest.map_structure(lambda t: KerasTensor(shape_of(t), K.dtype(t)),
                                         traced)
        else:
            outputs = _tensors_for(out_shape, self.dtype)
        outputs_node = Node(self, (inputs,) + tuple(args), kwargs, outputs, layer=self)
        self._inbound_nodes.append(outputs_node)
        if self.supports_masking or type(self).compute_mask is not Layer.compute_mask:
            # the input mask reaches compute_mask even when call() takes no mask argument
            out_mask = self.compute_mask(inputs, input_mask)
            if out_mask is not None:
                for out in nest.flatten(outputs):
                    out._keras_mask = out_mask
        return outputs

    # --- graph access (Keras 2) ----------------------------------------------------------
    def _node_attr(self, attr, index=0):
        if not self._inbound_nodes:
            raise AttributeError('layer %s has never been called and thus has no defined %s'
                                 % (self.name, attr))
        node = self._inbound_nodes[index]
        if attr == 'input':
            return nest.unpack_singleton(node.args[0] if node.args else node.inputs)
        return nest.unpack_singleton(node.outputs)

    @property
    def input(self):
        return self._node_attr('input')

    @property
    def output(self):
        return self._node_attr('output')

    def get_input_at(self, node_index):
        return self._node_attr('input', node_index)

    def get_output_at(self, node_index):
        return self._node_attr('output', node_index)

    @property
    def input_shape(self):
        return nest.map_structure(shape_of, self.input)

    @property
    def output_shape(self):
        return nest.map_structure(shape_of, self.output)

    # --- config -----------------------------------------------------------------------
    def get_config(self):
        config = {'name': self.name, 'trainable': self.trainable, 'dtype': self.dtype}
        if hasattr(self, 'batch_input_shape'):
            config['batch_input_shape'] = self.batch_input_shape
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _incompatible(got, want):
    if isinstance(got, (list, tuple)) and got and isinstance(got[0], (list, tuple)):
        return any(_incompatible(g, w) for g, w in zip(got, want))
    if len(got) != len(want):
        return True
    return any(g is not None and w is not None and g != w
               for g, w in list(zip(got, want))[1:])


def _fmt_shape(shape):
    return str(tuple(shape)) if not (shape and isinstance(shape[0], (list, tuple))) \
        else str([tuple(s) for s in shape])


class ElementwiseLayer(Layer):
    """Base of layers whose output has the input's shape and mask (activations, noise)."""

    def __init__(self, **kwargs):
        super(ElementwiseLayer, self).__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape


def _tensors_for(shape, dtype):
    if isinstance(shape, list):
        return [KerasTensor(s, dtype) for s in shape]
    return KerasTensor(shape, dtype)
