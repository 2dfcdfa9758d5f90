"""Engine-free helpers (Keras 2 ``keras.utils.generic_utils``): the progress bar and
(de)serialization of Keras objects by name or ``{'class_name', 'config'}`` dict."""
import binascii
import codecs
import collections
import inspect
import marshal
import sys
import time
import types

import numpy as np

from minikeras.utils.object_registration import (  # noqa: F401  (Keras 2 home)
    _GLOBAL_CUSTOM_OBJECTS, CustomObjectScope, SafeModeScope, custom_object_scope,
    get_custom_objects, get_registered_name, get_registered_object,
    register_keras_serializable)


class ArgumentTypeError(ValueError, TypeError):
    """An argument of the wrong type: a ``ValueError`` like minikeras's other argument
    errors, and a ``TypeError`` as Python (and Keras 2.3.1, where the failure came from
    Python itself) raises for it, so ``except`` clauses written for either catch it."""


class LabelRangeError(ValueError, IndexError):
    """A class label outside ``[0, num_classes)``: Keras 2.3.1's ``to_categorical``
    failed there with numpy's ``IndexError``."""


def serialize_keras_object(instance):
    """``{'class_name', 'config'}`` for objects with ``get_config``, the ``__name__`` of
    functions, ``None`` for ``None``."""
    if instance is None:
        return None
    if hasattr(instance, 'get_config'):
        return {'class_name': get_registered_name(instance.__class__),
                'config': instance.get_config()}
    if hasattr(instance, '__name__'):
        return get_registered_name(instance)
    raise ValueError('Cannot serialize %r: it has neither get_config() nor a __name__' %
                     (instance,))


def _lookup(name, module_objects, custom_objects, printable_module_name):
    if not isinstance(name, str):
        raise ValueError('a %s must be named by a string, received %r'
                         % (printable_module_name, name))
    obj = get_registered_object(name, custom_objects, module_objects)
    if obj is None:
        known = sorted(k for k in (module_objects or {}) if not k.startswith('_'))
        raise ValueError('Unknown %s: %r. Known names: %s. Custom objects can be passed with '
                         'custom_objects={...} or CustomObjectScope.'
                         % (printable_module_name, name, ', '.join(known) or 'none'))
    return obj


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None,
                             printable_module_name='object'):
    """The inverse of ``serialize_keras_object`` (Keras 2 semantics): a dict is
    instantiated with ``cls.from_config(config)`` (or ``cls(**config)``); a string is
    looked up and returned as is. Lookup order: ``custom_objects``, the global custom
    objects, ``module_objects``."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        config = identifier
        if 'class_name' not in config or 'config' not in config:
            raise ValueError('Improper config format for a %s: expected a dict with keys '
                             "'class_name' and 'config', received %r"
                             % (printable_module_name, config))
        if not isinstance(config['config'], dict):
            raise ValueError("Improper config format for a %s: 'config' must be a dict, "
                             'received %r' % (printable_module_name, config['config']))
        cls = _lookup(config['class_name'], module_objects, custom_objects,
                      printable_module_name)
        custom_objects = custom_objects or {}
        if hasattr(cls, 'from_config'):
            if has_arg(cls.from_config, 'custom_objects'):
                merged = dict(list(_GLOBAL_CUSTOM_OBJECTS.items()) +
                              list(custom_objects.items()))
                return cls.from_config(config['config'], custom_objects=merged)
            with CustomObjectScope(custom_objects):
                return cls.from_config(config['config'])
        # a function returning an object: the config holds its keyword arguments
        with CustomObjectScope(custom_objects):
            return cls(**config['config'])
    if isinstance(identifier, str):
        return _lookup(identifier, module_objects, custom_objects, printable_module_name)
    raise ValueError('Could not interpret serialized %s: %r' % (printable_module_name,
                                                                 identifier))


_RAISE = object()


class ObjectLookup(object):
    """``serialize`` / ``deserialize`` / ``get`` of one kind of Keras object (activations,
    losses, metrics, initializers, constraints, regularizers), over the module's table
    name -> object. A module exports the bound methods::

        serialize, deserialize, get = ObjectLookup(_OBJECTS, 'regularizer', ...).functions()

    ``get`` accepts a config dict, a name (with ``names_are_classes`` a name means the
    class of that name with its default config), a callable (returned as is) or ``None``
    (returns ``none``; left out, ``None`` is an error). ``expected`` ends the error
    message for anything else."""

    def __init__(self, module_objects, kind, names_are_classes=False, none=_RAISE,
                 expected=''):
        self.module_objects = module_objects
        self.kind = kind
        self.names_are_classes = names_are_classes
        self.none = none
        self.expected = expected

    def serialize(self, instance):
        """``{'class_name', 'config'}`` for an object with ``get_config``, else its name."""
        return serialize_keras_object(instance)

    def deserialize(self, config, custom_objects=None):
        """The object a name or ``{'class_name', 'config'}`` dict stands for."""
        return deserialize_keras_object(config, module_objects=self.module_objects,
                                        custom_objects=custom_objects,
                                        printable_module_name=self.kind)

    def get(self, identifier):
        """The object for a name, a config dict or a callable (see the class)."""
        if identifier is None and self.none is not _RAISE:
            return self.none
        if isinstance(identifier, dict):
            return self.deserialize(identifier)
        if isinstance(identifier, str):
            if self.names_are_classes:
                return self.deserialize({'class_name': identifier, 'config': {}})
            return self.deserialize(identifier)
        if callable(identifier):
            return identifier
        raise ValueError('Could not interpret %s identifier: %r%s'
                         % (self.kind, identifier, self.expected))

    def functions(self):
        return self.serialize, self.deserialize, self.get


def has_arg(fn, name, accept_all=False):
    """Whether callable ``fn`` accepts keyword argument ``name`` (``accept_all``: also
    True when it takes ``**kwargs``)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    parameter = signature.parameters.get(name)
    if parameter is None:
        if accept_all:
            return any(p.kind == inspect.Parameter.VAR_KEYWORD
                       for p in signature.parameters.values())
        return False
    return parameter.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              inspect.Parameter.KEYWORD_ONLY)


def to_list(x, allow_tuple=False):
    """``x`` as a list (Keras 2 ``to_list``)."""
    if isinstance(x, list):
        return x
    if allow_tuple and isinstance(x, tuple):
        return list(x)
    return [x]


def unpack_singleton(x):
    """The only element of a one-element list, else ``x``."""
    if isinstance(x, list) and len(x) == 1:
        return x[0]
    return x


def object_list_uid(object_list):
    object_list = to_list(object_list)
    return ', '.join(str(abs(id(x))) for x in object_list)


def slice_arrays(arrays, start=None, stop=None):
    """Rows ``start:stop`` (or rows listed in ``start``) of an array or list of arrays;
    ``None`` entries stay ``None``."""
    if arrays is None:
        return [None]
    if isinstance(arrays, list):
        if hasattr(start, '__len__'):
            if hasattr(start, 'shape'):
                start = start.tolist()
            return [None if x is None else x[start] for x in arrays]
        return [None if x is None else x[start:stop] for x in arrays]
    if hasattr(start, '__len__'):
        if hasattr(start, 'shape'):
            start = start.tolist()
        return arrays[start]
    if hasattr(start, '__getitem__'):
        return arrays[start:stop]
    return [None]


def func_dump(func):
    """Serialize a Python function's code as (base64 code, defaults, closure) — marshal,
    as Keras 2's Lambda layer does (not pickle)."""
    raw_code = marshal.dumps(func.__code__)
    code = codecs.encode(raw_code, 'base64').decode('ascii')
    defaults = func.__defaults__
    closure = tuple(c.cell_contents for c in func.__closure__) if func.__closure__ else None
    return code, defaults, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """The inverse of ``func_dump``. Only load code you trust (it is executed)."""
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
        if isinstance(defaults, list):
            defaults = tuple(defaults)

    def ensure_value_to_cell(value):
        def dummy_fn():
            value  # noqa: B018
        cell_value = dummy_fn.__closure__[0]
        if not isinstance(value, type(cell_value)):
            return cell_value
        return value

    if closure is not None:
        closure = tuple(ensure_value_to_cell(c) for c in closure)
    try:
        raw_code = codecs.decode(code.encode('ascii'), 'base64')
    except (UnicodeEncodeError, binascii.Error):
        raw_code = code.encode('raw_unicode_escape')
    code = marshal.loads(raw_code)
    if globs is None:
        globs = globals()
    return types.FunctionType(code, globs, name=code.co_name, argdefs=defaults,
                              closure=closure)


def _is_dynamic(stream):
    isatty = getattr(stream, 'isatty', None)
    try:
        tty = bool(isatty()) if isatty is not None else False
    except (ValueError, OSError):  # closed stream
        tty = False
    return tty or 'ipykernel' in sys.modules


def _format_value(avg):
    if abs(avg) > 1e-3:
        return ' %.4f' % avg
    return ' %.4e' % avg


class Progbar(object):
    """Keras 2 progress bar::

        12345/60000 [=====>........................] - ETA: 3s - loss: 0.2345

    ``verbose=1``: redrawn in place with ``\\r`` when stdout is a terminal (or a notebook);
    otherwise printed once, as a complete line, when ``target`` is reached.
    ``verbose=2``: one summary line (time and averages) when ``target`` is reached.
    ``update(current, values)`` takes ``values`` as ``[(name, value), ...]``; values are
    averaged over the samples seen, except names in ``stateful_metrics`` (shown as is).
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None):
        if target is not None and (isinstance(target, bool) or int(target) != target or
                                   target < 0):
            raise ValueError('Progbar target must be a non-negative int or None, received %r'
                             % (target,))
        if verbose not in (0, 1, 2):
            raise ValueError('Progbar verbose must be 0, 1 or 2, received %r' % (verbose,))
        self.target = None if target is None else int(target)
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self._dynamic_display = _is_dynamic(sys.stdout)
        self._total_width = 0
        self._seen_so_far = 0
        self._values = collections.OrderedDict()
        self._start = time.time()
        self._last_update = 0
        self._finished = False

    def update(self, current, values=None):
        values = values or []
        for k, v in values:
            if k not in self.stateful_metrics:
                count = current - self._seen_so_far
                if k not in self._values:
                    self._values[k] = [v * count, count]
                else:
                    self._values[k][0] += v * count
                    self._values[k][1] += count
            else:
                self._values[k] = [v, 1]
        self._seen_so_far = current

        now = time.time()
        done = self.target is not None and current >= self.target
        if self.verbose == 1:
            if not done and now - self._last_update < self.interval:
                return
            if not self._dynamic_display and not done and self.target is not None:
                self._last_update = now
                return
            if done and self._finished:
                return
            self._write_bar_line(current, now, done)
        elif self.verbose == 2:
            if (self.target is None or done) and not self._finished:
                info = ' - %.0fs' % (now - self._start)
                info += self._values_text()
                sys.stdout.write(info + '\n')
                sys.stdout.flush()
                self._finished = done
        self._last_update = now

    def add(self, n, values=None):
        self.update(self._seen_so_far + n, values)

    # --- drawing ------------------------------------------------------------------
    def _bar(self, current):
        if self.target is None:
            return '%7d/Unknown' % current
        numdigits = int(np.floor(np.log10(self.target))) + 1 if self.target > 0 else 1
        bar = ('%%%dd/%d [' % (numdigits, self.target)) % current
        prog = float(current) / self.target if self.target else 1.
        prog_width = int(self.width * min(prog, 1.))
        if prog_width > 0:
            bar += '=' * (prog_width - 1)
            bar += '>' if current < self.target else '='
        bar += '.' * (self.width - prog_width)
        return bar + ']'

    def _values_text(self):
        info = ''
        for k, (total, count) in self._values.items():
            info += ' - %s:' % k
            info += _format_value(float(np.mean(total / max(1, count))))
        return info

    def _write_bar_line(self, current, now, done):
        out = sys.stdout
        prev_total_width = self._total_width
        if self._dynamic_display:
            out.write('\b' * prev_total_width)
            out.write('\r')
        bar = self._bar(current)
        time_per_unit = (now - self._start) / current if current else 0
        if self.target is not None and not done:
            eta = time_per_unit * (self.target - current)
            if eta > 3600:
                eta_format = '%d:%02d:%02d' % (eta // 3600, (eta % 3600) // 60, eta % 60)
            elif eta > 60:
                eta_format = '%d:%02d' % (eta // 60, eta % 60)
            else:
                eta_format = '%ds' % eta
            info = ' - ETA: %s' % eta_format
        else:
            info = ' - %.0fs' % (now - self._start)
            if time_per_unit >= 1:
                info += ' %.0fs/step' % time_per_unit
            elif time_per_unit >= 1e-3:
                info += ' %.0fms/step' % (time_per_unit * 1e3)
            else:
                info += ' %.0fus/step' % (time_per_unit * 1e6)
        info += self._values_text()
        self._total_width = len(bar) + len(info)
        if self._dynamic_display and prev_total_width > self._total_width:
            info += ' ' * (prev_total_width - self._total_width)
        if done or not self._dynamic_display:
            info += '\n'
            self._finished = done
        out.write(bar + info)
        out.flush()


def getargspec(fn):
    """``inspect.getfullargspec`` (Keras 2.3.1 keeps this name for Python 2)."""
    return inspect.getfullargspec(fn)


def is_all_none(structure):
    """True if every element of ``structure`` (nested lists/tuples/dicts) is None."""
    from minikeras.utils import nest
    return all(x is None for x in nest.flatten(structure))


def transpose_shape(shape, target_format, spatial_axes):
    """Reorder a channels_last-style ``shape`` for ``target_format``: with
    'channels_first' the channel entry moves before the spatial axes."""
    if target_format == 'channels_first':
        new_values = shape[:spatial_axes[0]]
        new_values += (shape[-1],)
        new_values += tuple(shape[x] for x in spatial_axes)
        if isinstance(shape, list):
            return list(new_values)
        return new_values
    if target_format == 'channels_last':
        return shape
    raise ValueError('The `data_format` argument must be one of "channels_first", '
                     '"channels_last". Received: ' + str(target_format))


def check_for_unexpected_keys(name, input_dict, expected_values):
    unknown = set(input_dict.keys()).difference(expected_values)
    if unknown:
        raise ValueError('Unknown entries in {} dictionary: {}. Only expected following '
                         'keys: {}'.format(name, list(unknown), expected_values))
