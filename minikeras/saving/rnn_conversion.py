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
