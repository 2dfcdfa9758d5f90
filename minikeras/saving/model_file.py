"""Whole-model files: architecture (JSON) + weights + optimizer state, no pickle."""
import json

import numpy as np

import minikeras.backend as K
from minikeras.saving import hdf5, model_config


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
        f.attrs['model_config'] = config_json.encode('utf8')
        f.attrs['backend'] = K.backend().encode('utf8')
        hdf5.write_weights_group(f.create_group('model_weights'), model)
        if include_optimizer and model.optimizer is not None:
            f.attrs['training_config'] = json.dumps(
                _training_config(model), default=model_config._json_default).encode('utf8')
            g = f.create_group('optimizer_weights')
            values = model.optimizer.get_weights()
            names = []
            for i, v in enumerate(values):
                name = 'param_%d' % i
                g.create_dataset(name, data=v)
                names.append(name.encode('utf8'))
            g.attrs['weight_names'] = names
    hdf5.atomic_h5(filepath, overwrite, write)


def load_model(filepath, custom_objects=None, compile=True):
    from minikeras import optimizers
    from minikeras.utils.generic_utils import CustomObjectScope
    with hdf5.open_h5(filepath) as f:
        if 'model_config' not in f.attrs:
            raise ValueError('%s holds no model architecture (was it written by save_weights? '
                             'then build the model and call load_weights)' % filepath)
        raw = f.attrs['model_config']
        config = json.loads(raw.decode('utf8') if isinstance(raw, bytes) else raw)
        names, data = hdf5._read_layers(f['model_weights'], filepath)
        training = f.attrs.get('training_config')
        opt_values = None
        if 'optimizer_weights' in f:
            g = f['optimizer_weights']
            opt_values = [np.asarray(g[n]) for n in hdf5._text(g.attrs['weight_names'])]
    with CustomObjectScope(custom_objects or {}):
        model = model_config.model_from_config(config, custom_objects)
        hdf5.assign_weights(model, names, data, filepath)
        if compile and training is not None:
            tc = json.loads(training.decode('utf8') if isinstance(training, bytes) else training)
            optimizer = optimizers.deserialize(tc['optimizer_config'])
            model.compile(optimizer=optimizer, loss=tc['loss'], metrics=tc.get('metrics'),
                          loss_weights=tc.get('loss_weights'),
                          sample_weight_mode=tc.get('sample_weight_mode'),
                          weighted_metrics=tc.get('weighted_metrics'))
            if opt_values:
                optimizer.build(model.trainable_weights)
                optimizer.set_weights(opt_values)
    return model
