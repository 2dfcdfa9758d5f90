"""Weights and whole models in HDF5 files (Keras 2 layout, via h5py).

Files are written to a temporary file in the same folder and renamed into place, so an
interrupted save leaves the previous file intact. Loading checks everything before it
assigns anything, so a mismatched file changes no weight.
"""
import json
import os
import tempfile

import numpy as np

import minikeras
import minikeras.backend as K

# The library's single weight layout (see docs/DESIGN.md). Stored in every file so a
# later layout change can convert old files.
LAYOUT = {'version': 1, 'conv_kernel': 'hwio_cross_correlation',
          'dense_kernel': 'in_out', 'rnn_gates': 'keras2'}


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError('saving and loading weights needs h5py: pip install h5py')
    return h5py


def _text(values):
    return [v.decode('utf8') if isinstance(v, bytes) else str(v) for v in values]


def _weighted_layers(model):
    return [l for l in model.layers if l.weights]


def write_weights_group(group, model):
    layers = model.layers
    group.attrs['layer_names'] = [l.name.encode('utf8') for l in layers]
    group.attrs['backend'] = K.backend().encode('utf8')
    group.attrs['keras_version'] = ('minikeras ' + minikeras.__version__).encode('utf8')
    group.attrs['minikeras_layout'] = json.dumps(LAYOUT).encode('utf8')
    for layer in layers:
        g = group.create_group(layer.name)
        weights = layer.weights
        values = K.batch_get_value(weights)
        names = []
        for i, (w, v) in enumerate(zip(weights, values)):
            name = layer.weight_name(w) or '%s/param_%d:0' % (layer.name, i)
            if name in names:
                name = '%s_%d' % (name, i)
            names.append(name)
            g.create_dataset(name, data=v)
        g.attrs['weight_names'] = [n.encode('utf8') for n in names]


def _read_layers(group, path):
    """{layer_name: [arrays]} in file order, plus the order."""
    if 'layer_names' not in group.attrs:
        raise ValueError('%s is not a weights file (no layer_names attribute)' % path)
    layout = group.attrs.get('minikeras_layout')
    if layout is not None:
        layout = json.loads(layout.decode('utf8') if isinstance(layout, bytes) else layout)
        if layout.get('version') != LAYOUT['version']:
            raise ValueError('%s uses weight layout version %s; this minikeras reads version %s'
                             % (path, layout.get('version'), LAYOUT['version']))
    names = _text(group.attrs['layer_names'])
    data = {}
    for name in names:
        g = group[name]
        wnames = _text(g.attrs.get('weight_names', []))
        data[name] = [np.asarray(g[w]) for w in wnames]
    return names, data


# Keras 2 under Theano computed true convolutions, so its files hold these layers' kernels
# flipped; Keras converted them on loading into another engine (preprocess_weights_for_
# loading), and minikeras cross-correlates on every engine, Theano included
_FLIPPED_BY_KERAS_THEANO = {'Conv1D': 1, 'Conv2D': 1, 'Conv3D': 1, 'Conv2DTranspose': 1,
                            'ConvLSTM2D': 2}


def written_by_keras_theano(group):
    """Whether a weight group was written by Keras's Theano backend (not by minikeras,
    whose files carry ``minikeras_layout`` and one kernel layout on every engine)."""
    if group.attrs.get('minikeras_layout') is not None:
        return False
    backend = group.attrs.get('backend')
    return (backend.decode('utf8') if isinstance(backend, bytes) else backend) == 'theano'


def _cross_correlation_kernels(model, names, data, by_name):
    """``data`` with the kernels of Keras-Theano files flipped back, for the model layers
    they will load into (matched by name, or in order as ``assign_weights`` matches)."""
    weighted = _weighted_layers(model)
    if by_name:
        targets = dict((l.name, l) for l in weighted)
    else:
        targets = dict(zip([n for n in names if data[n]], weighted))
    out = dict(data)
    for name, layer in targets.items():
        count = _FLIPPED_BY_KERAS_THEANO.get(type(layer).__name__, 0)
        if count and getattr(layer, 'padding', None) == 'same' and \
                any(k % 2 == 0 for k in getattr(layer, 'kernel_size', ())):
            import warnings
            warnings.warn("layer %s: Keras's Theano backend padded 'same' convolutions with "
                          "even kernel sizes %s on the other side than TensorFlow (and "
                          "minikeras) do, so its outputs differ from Keras-Theano's, as they "
                          "did in Keras itself across engines" % (name, layer.kernel_size))
        if name in out and count:
            out[name] = [a[(slice(None, None, -1),) * (a.ndim - 2)] if i < count else a
                         for i, a in enumerate(out[name])]
    return out


def assign_weights(model, names, data, path, by_name=False, skip_mismatch=False,
                   keras_theano=False):
    """Match file arrays to model weights; raise before assigning on any mismatch.
    ``keras_theano``: the file came from Keras's Theano backend (kernels flipped)."""
    if keras_theano:
        data = _cross_correlation_kernels(model, names, data, by_name)
    pairs = []
    if by_name:
        for layer in _weighted_layers(model):
            if layer.name not in data:
                continue
            arrays = data[layer.name]
            weights = layer.weights
            problem = _mismatch(layer, weights, arrays)
            if problem:
                if skip_mismatch:
                    import warnings
                    warnings.warn('skipping weights of layer %s: %s' % (layer.name, problem))
                    continue
                raise ValueError('cannot load %s into model %s: %s' % (path, model.name, problem))
            pairs.extend(zip(weights, arrays))
    else:
        file_layers = [n for n in names if data[n]]
        model_layers = _weighted_layers(model)
        if len(file_layers) != len(model_layers):
            raise ValueError('cannot load %s into model %s: the file has weights for %d layers '
                             '(%s) but the model has %d layers with weights (%s); no weight was '
                             'changed' % (path, model.name, len(file_layers),
                                          ', '.join(file_layers), len(model_layers),
                                          ', '.join(l.name for l in model_layers)))
        for layer, fname in zip(model_layers, file_layers):
            problem = _mismatch(layer, layer.weights, data[fname])
            if problem:
                raise ValueError('cannot load %s into model %s: file layer %s -> %s; no weight '
                                 'was changed' % (path, model.name, fname, problem))
            pairs.extend(zip(layer.weights, data[fname]))
    K.batch_set_value(pairs)


def _mismatch(layer, weights, arrays):
    if len(weights) != len(arrays):
        return 'layer %s has %d weights, the file has %d' % (layer.name, len(weights), len(arrays))
    for w, a in zip(weights, arrays):
        if tuple(K.int_shape(w)) != tuple(a.shape):
            return 'layer %s weight %s has shape %s, the file has shape %s' % (
                layer.name, layer.weight_name(w), K.int_shape(w), a.shape)
    return None


def atomic_h5(path, overwrite, write):
    """Write an HDF5 file via ``write(h5file)`` into a temp file, then rename."""
    h5py = _h5py()
    path = os.fspath(path) if hasattr(os, 'fspath') else path
    if not overwrite and os.path.exists(path):
        raise ValueError('%s exists and overwrite=False' % path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError('cannot save to %s: folder %s does not exist' % (path, folder))
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', suffix='.tmp',
                               dir=folder)
    os.close(fd)
    try:
        with h5py.File(tmp, 'w') as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def open_h5(path):
    h5py = _h5py()
    if not os.path.exists(path):
        raise IOError('no such weights or model file: %s' % path)
    try:
        return h5py.File(path, 'r')
    except OSError as e:
        raise IOError('cannot read %s as HDF5 (truncated or not an HDF5 file): %s' % (path, e))


def save_weights(model, filepath, overwrite=True):
    atomic_h5(filepath, overwrite, lambda f: write_weights_group(f, model))


def load_weights(model, filepath, by_name=False, skip_mismatch=False):
    with open_h5(filepath) as f:
        group = f['model_weights'] if 'model_weights' in f and 'layer_names' not in f.attrs \
            else f
        try:
            names, data = _read_layers(group, filepath)
            keras_theano = written_by_keras_theano(group)
        except (KeyError, OSError, RuntimeError) as e:
            raise IOError('cannot read weights from %s (damaged file): %s' % (filepath, e))
    assign_weights(model, names, data, filepath, by_name=by_name, skip_mismatch=skip_mismatch,
                   keras_theano=keras_theano)
