"""Whole-model files: architecture (JSON) + weights + optimizer state, no pickle."""
import json
import os
import re

import minikeras.backend as K
from minikeras.models import model_config
from minikeras.saving import h5_reader, hdf5
from minikeras.utils.object_registration import SafeModeError


def _training_config(model):
    from minikeras import losses, metrics, optimizers

    def name_of(fn):
        if fn is None or isinstance(fn, str):
            return fn
        if isinstance(fn, (list, tuple)):
            return [name_of(f) for f in fn]
        if isinstance(fn, dict):
            return dict((k, name_of(v)) for k, v in fn.items())
        if hasattr(fn, 'get_config'):
            return {'class_name': type(fn).__name__, 'config': fn.get_config()}
        return getattr(fn, '__name__', None) or str(fn)
    return {'optimizer_config': optimizers.serialize(model.optimizer),
            'loss': name_of(model.loss), 'metrics': name_of(model._metrics_arg),
            'weighted_metrics': name_of(getattr(model, '_weighted_metrics_arg', None)),
            'loss_weights': model.loss_weights,
            'sample_weight_mode': model.sample_weight_mode}


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    config_json = model_config.to_json(model)

    def write(f):
        f.attrs['model_config'] = hdf5.fixed_text(config_json)
        f.attrs['backend'] = hdf5.fixed_text(K.backend())
        hdf5.write_weights_group(f.create_group('model_weights'), model)
        if include_optimizer and model.optimizer is not None:
            f.attrs['training_config'] = hdf5.fixed_text(json.dumps(
                _training_config(model), default=model_config._json_default))
            g = f.create_group('optimizer_weights')
            values = model.optimizer.get_weights()
            names = []
            for i, v in enumerate(values):
                name = 'param_%d' % i
                hdf5.write_dataset(g, name, v)
                names.append(name)
            g.attrs['weight_names'] = hdf5.fixed_text(names)
    hdf5.atomic_h5(filepath, overwrite, write)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model saved by ``model.save(filepath)``: architecture, weights and (when
    ``compile``) the training configuration and optimizer state.

    ``safe_mode=True`` (the default, Keras 3's name): the file is data, never code. A
    Lambda (or any config) that refers to a function by module/name is refused with a
    ``SafeModeError`` unless that function was passed in ``custom_objects`` or registered
    (``custom_object_scope``, ``@register_keras_serializable()``); marshalled bytecode is
    never run. ``safe_mode=False`` imports what the file names and runs Keras 2 lambda
    bytecode: only for files you trust as much as your own code.

    A damaged file or one that does not fit its own architecture raises
    ``ModelFileError`` (an ``OSError`` and a ``ValueError``) naming the file and the part;
    weights are checked from metadata before any is read (see docs/SECURITY.md)."""
    from minikeras.utils.object_registration import CustomObjectScope, entry_scope
    filepath = os.fspath(filepath) if hasattr(os, 'fspath') else filepath
    with entry_scope(safe_mode), CustomObjectScope(custom_objects or {}):
        with hdf5.open_h5(filepath) as f:
            reader = h5_reader.Reader(f, filepath)
            config = reader.json_attr(f, 'model_config', 'root group', required=False)
            if config is None:
                raise reader.error('root group', 'no model architecture (attribute '
                                   "'model_config'); a file written by save_weights is "
                                   'loaded with model.load_weights into a model you build')
            group = reader.child(f, 'model_weights', 'root group', want_group=True)
            layers = reader.weight_group(group, 'group model_weights')
            model = _rebuild(reader, config, custom_objects)
            pairs = hdf5.match_weights(model, layers, reader, 'group model_weights')
            if compile and reader.attr(f, 'training_config', 'root group',
                                       required=False) is not None:
                training = reader.json_attr(f, 'training_config', 'root group')
                pairs += _compile_from_file(reader, f, model, training)
            values = reader.read(pairs)
            if hdf5.written_by_keras_theano(group):
                values = hdf5.cross_correlation_kernels(model, values)
    hdf5.assign(values)
    return model


# A file holds its weights: it can hold at most this many values per byte (generous, for
# compressed files from other writers), plus a small floor for tiny files.
_VALUES_PER_BYTE = 25
_MIN_VALUES = 1 << 22


def _rebuild(reader, config, custom_objects):
    from minikeras.utils.object_registration import WeightBudget
    budget = WeightBudget(reader.file_size * _VALUES_PER_BYTE + _MIN_VALUES, reader.path)
    try:
        with budget:
            return model_config.model_from_config(config, custom_objects)
    except SafeModeError:
        raise
    except Exception as e:
        raise _wrapped(reader, 'model_config', 'the model it describes cannot be built', e)


def _wrapped(reader, where, what, e):
    error = reader.error(where, '%s (%s: %s)' % (what, type(e).__name__, e))
    error.__cause__ = e
    return error


def _compile_from_file(reader, f, model, training):
    """Compile ``model`` from the file's training_config and pair its optimizer's
    variables with the file's optimizer_weights (checked, not read)."""
    from minikeras import optimizers
    if not isinstance(training, dict):
        raise reader.error('training_config', 'expected a JSON object with optimizer_config '
                           'and loss, the file has %r' % (training,))
    try:
        optimizer = optimizers.deserialize(training['optimizer_config'])
        model.compile(optimizer=optimizer, loss=training['loss'],
                      metrics=training.get('metrics'),
                      loss_weights=training.get('loss_weights'),
                      sample_weight_mode=training.get('sample_weight_mode'),
                      weighted_metrics=training.get('weighted_metrics'))
    except SafeModeError:
        raise
    except Exception as e:
        raise _wrapped(reader, 'training_config', 'the model cannot be compiled from it', e)
    if 'optimizer_weights' not in f:
        return []
    where = 'group optimizer_weights'
    g = reader.child(f, 'optimizer_weights', 'root group', want_group=True)
    names = _by_index(reader.text_list(g, 'weight_names', where))
    unbuilt = len(optimizer.weights)
    if names and len(names) != unbuilt:
        # a model saved after training has the optimizer's slots; one saved compiled but
        # never fitted has only its counter(s)
        optimizer.build(model.trainable_weights)
    if len(names) != len(optimizer.weights):
        raise reader.error(where, 'the file has %d optimizer weights, optimizer %s of this '
                           'model has %d (%d before its first step)'
                           % (len(names), type(optimizer).__name__, len(optimizer.weights),
                              unbuilt))
    pairs = []
    for name, variable in zip(names, optimizer.weights):
        ds = reader.child(g, name, where, want_group=False)
        problem = h5_reader.fits(K.dtype(variable), K.int_shape(variable), ds,
                                 counter=variable is optimizer.iterations)
        if problem:
            raise reader.error('%s, dataset %r' % (where, name), problem)
        pairs.append((variable, ds, '%s, dataset %r' % (where, name)))
    return pairs


def _by_index(names):
    """minikeras names optimizer datasets param_<i>: order by i, so the order of the
    weight_names list does not matter (other files: their list order)."""
    found = [re.match(r'^param_(\d+)$', n) for n in names]
    if names and all(found):
        indices = [int(m.group(1)) for m in found]
        if sorted(indices) == list(range(len(names))):
            return [n for _, n in sorted(zip(indices, names))]
    return names
