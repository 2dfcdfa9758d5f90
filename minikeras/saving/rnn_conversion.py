"""Keras 2.3.1's conversion of recurrent weights between the CuDNN layers and the plain
ones (``keras.engine.saving._convert_rnn_weights``): CuDNNLSTM <-> LSTM and
CuDNNGRU <-> GRU(reset_after=True); the source is recognized by the bias shape."""
import numpy as np


def _per_gate(kernel, fn, gates):
    return np.hstack([fn(k) for k in np.hsplit(kernel, gates)])


def _input_kernel(from_cudnn):
    order = 'F' if from_cudnn else 'C'
    return lambda k: k.T.reshape(k.shape, order=order)


def _kernels(weights, from_cudnn, gates):
    return [_per_gate(np.asarray(weights[0]), _input_kernel(from_cudnn), gates),
            _per_gate(np.asarray(weights[1]), lambda k: k.T, gates)]


def _lstm(weights, target):
    units = np.shape(weights[1])[0]
    bias_shape = np.shape(weights[2])
    if bias_shape == (8 * units,):
        source = 'CuDNNLSTM'
    elif bias_shape == (4 * units,):
        source = 'LSTM'
    else:
        raise ValueError('Invalid bias shape: %s' % (bias_shape,))
    if source == target:
        return weights
    from_cudnn = source == 'CuDNNLSTM'
    bias = np.asarray(weights[2])
    bias = np.sum(np.split(bias, 2), axis=0) if from_cudnn else np.tile(0.5 * bias, 2)
    return _kernels(weights, from_cudnn, 4) + [bias]


def _gru(layer, weights, target_class):
    units = np.shape(weights[1])[0]
    bias_shape = np.shape(weights[2])
    if bias_shape == (6 * units,):
        source = 'CuDNNGRU'
    elif bias_shape == (2, 3 * units):
        source = 'GRU(reset_after=True)'
    elif bias_shape == (3 * units,):
        source = 'GRU(reset_after=False)'
    else:
        raise ValueError('Invalid bias shape: %s' % (bias_shape,))
    if target_class == 'CuDNNGRU':
        target = 'CuDNNGRU'
    elif getattr(layer, 'reset_after', False):
        target = 'GRU(reset_after=True)'
    else:
        target = 'GRU(reset_after=False)'
    if source == target:
        return weights
    if 'GRU(reset_after=False)' in (source, target):
        raise ValueError('%s is not compatible with %s' % (source, target))
    from_cudnn = source == 'CuDNNGRU'
    bias = np.asarray(weights[2]).reshape((2, -1) if from_cudnn else -1)
    return _kernels(weights, from_cudnn, 3) + [bias]


def convert_rnn_weights(layer, weights):
    """``weights`` (arrays of a CuDNN or plain LSTM/GRU) in the layout of ``layer``."""
    target = type(layer).__name__
    if len(weights) != 3:
        return weights
    if target in ('LSTM', 'CuDNNLSTM'):
        return _lstm(weights, target)
    if target in ('GRU', 'CuDNNGRU'):
        return _gru(layer, weights, target)
    return weights


_CONVERTIBLE = ('LSTM', 'CuDNNLSTM', 'GRU', 'CuDNNGRU', 'Bidirectional')


class _ConvertedDataset(object):
    """A file dataset as the converted array ``index`` of its layer's weights: the
    shape is known from metadata, the values are read and converted on first use."""

    def __init__(self, group, index):
        self._group, self._index = group, index
        self.dtype = group.datasets[index].dtype
        self.shape = group.shapes[index]

    def __getitem__(self, key):
        return self._group.values()[self._index][key]


def preprocess_weights_for_loading(layer, weights, original_keras_version=None,
                                   original_backend=None, reshape=False):
    """Keras 2.3.1 converts Keras-1 / Theano-era arrays here. minikeras files use one
    layout on every engine, so the arrays are returned as they are, except recurrent
    weights, converted as 2.3.1 does between CuDNNLSTM and LSTM, CuDNNGRU and
    GRU(reset_after=True) (a Bidirectional layer: each half). A file written by
    Keras's Theano backend needs ``utils.conv_utils.convert_kernel`` on its kernels."""
    weights = list(weights)
    if type(layer).__name__ == 'Bidirectional':
        half = len(weights) // 2
        return (convert_rnn_weights(layer.forward_layer, weights[:half])
                + convert_rnn_weights(layer.backward_layer, weights[half:]))
    return list(convert_rnn_weights(layer, weights))


class _ConvertedGroup(object):
    def __init__(self, layer, datasets, shapes):
        self.layer, self.datasets, self.shapes = layer, datasets, shapes
        self._values = None

    def values(self):
        if self._values is None:
            arrays = [np.asarray(ds[()]) for ds in self.datasets]
            self._values = [np.asarray(a) for a in
                            preprocess_weights_for_loading(self.layer, arrays)]
        return self._values


def converted_file_weights(layer, file_weights):
    """``file_weights`` (``[(name, dataset)]`` of one layer, in file order) as the layer
    reads them: CuDNN and plain recurrent weights converted into ``layer``'s layout when
    their shapes say they come from the other kind (as Keras 2.3.1 loads them)."""
    if type(layer).__name__ not in _CONVERTIBLE or len(file_weights) != len(layer.weights):
        return file_weights
    import minikeras.backend as K
    file_shapes = [tuple(ds.shape or ()) for _, ds in file_weights]
    if file_shapes == [K.int_shape(w) for w in layer.weights]:
        return file_weights
    from minikeras.saving.errors import ModelFileError
    try:
        probe = preprocess_weights_for_loading(layer, [np.zeros(s) for s in file_shapes])
    except ValueError as e:
        raise ModelFileError('layer %s: %s' % (layer.name, e))
    group = _ConvertedGroup(layer, [ds for _, ds in file_weights],
                            [tuple(np.shape(a)) for a in probe])
    return [(name, _ConvertedDataset(group, i)) for i, (name, _) in enumerate(file_weights)]
