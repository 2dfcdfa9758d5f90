"""Weights and whole models in HDF5 files (Keras 2 layout, via h5py).

Files are written to a temporary file in the same folder and renamed into place, so an
interrupted save leaves the previous file intact. Loading (``h5_reader``) checks every
dataset from metadata before it reads any, and reads all before it assigns any, so a
mismatched or damaged file changes no weight.
"""
import json
import os

import numpy as np

import minikeras
import minikeras.backend as K
from minikeras.saving import h5_reader
from minikeras.saving.errors import ModelFileError

# The library's single weight layout (see docs/DESIGN.md). Stored in every file so a
# later layout change can convert old files.
LAYOUT = {'version': 1, 'conv_kernel': 'hwio_cross_correlation',
          'dense_kernel': 'in_out', 'rnn_gates': 'keras2'}


def _weighted_layers(model):
    return [l for l in model.layers if l.weights]


def fixed_text(text):
    """UTF-8 text (or a list of it) as fixed-length HDF5 strings, as Keras 2 writes them:
    stored inside the object header, which HDF5 checksums, rather than in the global
    heap as variable-length strings (where a damaged byte can hang the HDF5 library)."""
    if isinstance(text, str):
        return np.bytes_(text.encode('utf8'))
    return np.array([t.encode('utf8') for t in text], dtype='S%d' % max(
        [1] + [len(t.encode('utf8')) for t in text]))


def write_weights_group(group, model):
    layers = model.layers
    group.attrs['layer_names'] = fixed_text([l.name for l in layers])
    group.attrs['backend'] = fixed_text(K.backend())
    group.attrs['keras_version'] = fixed_text('minikeras ' + minikeras.__version__)
    group.attrs['minikeras_layout'] = fixed_text(json.dumps(LAYOUT))
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
            write_dataset(g, name, v)
        g.attrs['weight_names'] = fixed_text(names)


def write_dataset(group, name, value):
    """One array, with a Fletcher-32 checksum when it can be chunked (not scalars), so
    a damaged byte in the data is a read error instead of a silently different weight."""
    value = np.asarray(value)
    checksum = value.ndim > 0 and value.size > 0
    group.create_dataset(name, data=value, fletcher32=checksum)


# Keras 2 under Theano computed true convolutions, so its files hold these layers' kernels
# flipped; Keras converted them on loading into another engine (preprocess_weights_for_
# loading), and minikeras cross-correlates on every engine, Theano included: the number of
# leading weights of each layer type that are flipped kernels.
_FLIPPED_BY_KERAS_THEANO = {'Conv1D': 1, 'Conv2D': 1, 'Conv3D': 1, 'Conv2DTranspose': 1,
                            'ConvLSTM2D': 2}


def written_by_keras_theano(group):
    """Whether a weight group was written by Keras's Theano backend (not by minikeras,
    whose files carry ``minikeras_layout`` and one kernel layout on every engine)."""
    try:
        if group.attrs.get('minikeras_layout') is not None:
            return False
        backend = group.attrs.get('backend')
    except Exception:       # an unreadable attribute: not a Keras-Theano marker
        return False
    return (backend.decode('utf8') if isinstance(backend, bytes) else backend) == 'theano'


def cross_correlation_kernels(model, values):
    """``values`` (``[(variable, array)]`` read from a Keras-Theano file) with the
    convolution kernels flipped back into minikeras's cross-correlation layout."""
    import warnings
    flip = set()
    for layer in _weighted_layers(model):
        count = _FLIPPED_BY_KERAS_THEANO.get(type(layer).__name__, 0)
        if count and getattr(layer, 'padding', None) == 'same' and \
                any(k % 2 == 0 for k in getattr(layer, 'kernel_size', ())):
            warnings.warn("layer %s: Keras's Theano backend padded 'same' convolutions with "
                          "even kernel sizes %s on the other side than TensorFlow (and "
                          "minikeras) do, so its outputs differ from Keras-Theano's, as they "
                          "did in Keras itself across engines" % (layer.name, layer.kernel_size))
        flip.update(id(w) for w in layer.weights[:count])
    return [(v, a[(slice(None, None, -1),) * (a.ndim - 2)] if id(v) in flip else a)
            for v, a in values]


def match_weights(model, layers, reader, where, by_name=False, skip_mismatch=False):
    """``[(variable, dataset, where)]`` pairing the model's weights with the checked file
    ``layers`` (see ``h5_reader.Reader.weight_group``); raises before anything is read
    or assigned if any pair does not fit."""
    pairs = []
    if by_name:
        data = dict(layers)
        for layer in _weighted_layers(model):
            if layer.name not in data:
                continue
            try:
                pairs.extend(_layer_pairs(layer, layer.name, data[layer.name], where))
            except ModelFileError as e:
                if not skip_mismatch:
                    raise reader.error(where, '%s; no weight was changed' % e)
                import warnings
                warnings.warn('skipping weights of layer %s: %s' % (layer.name, e))
        return pairs
    file_layers = [(n, ws) for n, ws in layers if ws]
    model_layers = _weighted_layers(model)
    if len(file_layers) != len(model_layers):
        raise reader.error(where, 'the file has weights for %d layers (%s) but model %s has %d '
                           'layers with weights (%s); no weight was changed'
                           % (len(file_layers), ', '.join(n for n, _ in file_layers),
                              model.name, len(model_layers),
                              ', '.join(l.name for l in model_layers)))
    for layer, (fname, weights) in zip(model_layers, file_layers):
        try:
            pairs.extend(_layer_pairs(layer, fname, weights, where))
        except ModelFileError as e:
            raise reader.error(where, 'file layer %s -> %s; no weight was changed' % (fname, e))
    return pairs


def _layer_pairs(layer, fname, file_weights, where):
    from minikeras.saving.rnn_conversion import converted_file_weights
    file_weights = converted_file_weights(layer, file_weights)
    weights = layer.weights
    if len(weights) != len(file_weights):
        raise ModelFileError('layer %s has %d weights, the file has %d'
                             % (layer.name, len(weights), len(file_weights)))
    model_names = [layer.weight_name(w) or '' for w in weights]
    order = h5_reader.order_by_names(model_names, [n for n, _ in file_weights])
    pairs = []
    for w, mname, i in zip(weights, model_names, order):
        wname, ds = file_weights[i]
        problem = h5_reader.fits(K.dtype(w), K.int_shape(w), ds)
        if problem:
            raise ModelFileError('layer %s weight %s (file dataset %s): %s'
                                 % (layer.name, mname, wname, problem))
        pairs.append((w, ds, '%s, layer %r, dataset %r' % (where, fname, wname)))
    return pairs


def assign(values):
    """Set every ``(variable, numpy value)`` at once, in the variable's dtype."""
    K.batch_set_value([(v, np.asarray(a, dtype=K.dtype(v))) for v, a in values])


def atomic_h5(path, overwrite, write):
    """Write an HDF5 file via ``write(h5file)`` into ``.<name>.tmp`` next to ``path``, then
    rename it into place. The temp name is fixed, so a save killed half-way leaves at most
    that one file, which the next save to ``path`` reuses (and a failed save removes); the
    file gets the permissions any new file gets (umask), not ``mkstemp``'s 0600."""
    h5py = h5_reader.h5py_module()
    path = os.fspath(path) if hasattr(os, 'fspath') else path
    if not overwrite and os.path.exists(path):
        raise ValueError('%s exists and overwrite=False' % path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError('cannot save to %s: folder %s does not exist' % (path, folder))
    tmp = os.path.join(folder, '.' + os.path.basename(path) + '.tmp')
    try:
        if os.path.lexists(tmp):
            os.remove(tmp)      # left by a killed save (or a link planted there)
        # HDF5 1.10 format: object headers and chunk indexes carry checksums (read by
        # HDF5 >= 1.10, i.e. every h5py wheel since 2.10)
        with h5py.File(tmp, 'w', libver=('v110', 'v110')) as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.remove(tmp)
        raise


def open_h5(path):
    """The HDF5 file at ``path``, read-only; ``ModelFileError`` if it is missing or
    cannot be opened as HDF5."""
    h5py = h5_reader.h5py_module()
    path = os.fspath(path) if hasattr(os, 'fspath') else path
    if not os.path.isfile(path):
        raise ModelFileError('%s: no such weights or model file' % (path,))
    try:
        return h5py.File(path, 'r')
    except Exception as e:      # h5py raises OSError, ValueError or RuntimeError here
        raise ModelFileError('%s: cannot be read as HDF5 (truncated or not an HDF5 file): %s'
                             % (path, e))


def save_weights(model, filepath, overwrite=True):
    atomic_h5(filepath, overwrite, lambda f: write_weights_group(f, model))


def load_weights(model, filepath, by_name=False, skip_mismatch=False):
    """Load ``filepath`` (from ``save_weights`` or ``save``) into ``model``: every dataset
    is checked against the model from HDF5 metadata, then all are read, then all are
    assigned; any problem is a ``ModelFileError`` and leaves every weight unchanged."""
    with open_h5(filepath) as f:
        reader = h5_reader.Reader(f, filepath)
        try:
            is_model_file = 'model_weights' in f and 'layer_names' not in f.attrs
        except Exception as e:
            raise reader.error('root group', 'cannot be listed (%s)' % e)
        if is_model_file:
            group = reader.child(f, 'model_weights', 'root group', want_group=True)
            where = 'group model_weights'
        else:
            group, where = f, 'root group'
        layers = reader.weight_group(group, where)
        pairs = match_weights(model, layers, reader, where, by_name=by_name,
                              skip_mismatch=skip_mismatch)
        values = reader.read(pairs)
        if written_by_keras_theano(group):
            values = cross_correlation_kernels(model, values)
    assign(values)
