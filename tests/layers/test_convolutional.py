"""Convolution, padding, cropping and upsampling layers against the NumPy reference
(and, for Conv2D, a direct loop)."""
import numpy as np

from minikeras import layers
from minikeras.backend import numpy as R
from tests.layers.layer_test import case, layer_tests, random_data

rng = np.random.RandomState(1)


def w(*shape):
    return rng.uniform(-1, 1, shape).astype('float32')


def naive_conv2d(x, kernel, stride, dilation):
    """channels_last, 'valid' cross-correlation written out."""
    kh, kw, cin, cout = kernel.shape
    span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
    oh = (x.shape[1] - span_h) // stride + 1
    ow = (x.shape[2] - span_w) // stride + 1
    y = np.zeros((x.shape[0], oh, ow, cout))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    y[:, i, j] += x[:, i * stride + a * dilation,
                                    j * stride + b * dilation].dot(kernel[a, b])
    return y


def test_conv2d_against_direct_loop():
    x = random_data((2, 9, 8, 3))
    kernel, bias = w(3, 2, 3, 4), w(4)
    layer_tests(
        case(layers.Conv2D, {'filters': 4, 'kernel_size': (3, 2), 'strides': 2},
             input_data=x, weights=[kernel, bias], expected_num_weights=2,
             expected_output=naive_conv2d(x, kernel, 2, 1) + bias,
             expected_output_shape=(None, 4, 4, 4)),
        case(layers.Conv2D, {'filters': 4, 'kernel_size': (3, 2), 'dilation_rate': 2,
                             'use_bias': False},
             input_data=x, weights=[kernel], expected_num_weights=1,
             expected_output=naive_conv2d(x, kernel, 1, 2),
             expected_output_shape=(None, 5, 6, 4)))


CONV2D_VARIANTS = [
    {'padding': 'same', 'strides': (2, 1), 'activation': 'relu'},
    {'padding': 'valid', 'data_format': 'channels_first'},
    {'padding': 'same', 'data_format': 'channels_first', 'dilation_rate': (2, 1)},
]


def test_conv2d_variants():
    cases = []
    for kwargs in CONV2D_VARIANTS:
        fmt = kwargs.get('data_format', 'channels_last')
        x = random_data((2, 3, 7, 6) if fmt == 'channels_first' else (2, 7, 6, 3))
        kernel, bias = w(3, 3, 3, 2), w(2)
        expected = R.bias_add(R.conv2d(x, kernel, kwargs.get('strides', (1, 1)),
                                       kwargs['padding'], fmt,
                                       kwargs.get('dilation_rate', (1, 1))), bias, fmt)
        if kwargs.get('activation') == 'relu':
            expected = np.maximum(expected, 0)
        cases.append(case(layers.Conv2D, dict(kwargs, filters=2, kernel_size=3),
                          input_data=x, weights=[kernel, bias], expected_output=expected))
    layer_tests(*cases)


def test_conv1d():
    x = random_data((2, 10, 3))
    kernel, bias = w(3, 3, 5), w(5)
    cases = []
    for kwargs, out_len in [({'padding': 'valid', 'strides': 2}, 4),
                            ({'padding': 'same'}, 10),
                            ({'padding': 'causal', 'dilation_rate': 2}, 10)]:
        expected = R.bias_add(R.conv1d(x, kernel, kwargs.get('strides', 1), kwargs['padding'],
                                       'channels_last', kwargs.get('dilation_rate', 1)), bias)
        cases.append(case(layers.Conv1D, dict(kwargs, filters=5, kernel_size=3), input_data=x,
                          weights=[kernel, bias], expected_output=expected,
                          expected_output_shape=(None, out_len, 5)))
    # causal: each output sees only the present and the past
    x1 = random_data((1, 6, 1))
    past = np.concatenate([np.zeros((1, 1, 1), 'float32'), x1[:, :-1]], axis=1)
    cases.append(case(layers.Conv1D, {'filters': 1, 'kernel_size': 2, 'padding': 'causal',
                                      'use_bias': False},
                      input_data=x1, weights=[np.ones((2, 1, 1), 'float32')],
                      expected_output=x1 + past))
    # channels_first
    xc = random_data((2, 3, 10))
    cases.append(case(layers.Conv1D, {'filters': 5, 'kernel_size': 3,
                                      'data_format': 'channels_first'},
                      input_data=xc, weights=[kernel, bias],
                      expected_output=R.bias_add(R.conv1d(xc, kernel, 1, 'valid',
                                                          'channels_first'), bias,
                                                 'channels_first'),
                      expected_output_shape=(None, 5, 8)))
    layer_tests(*cases)


def test_conv2d_transpose():
    cases, shapes = [], []
    for kwargs, out_hw in [({'strides': 2, 'padding': 'valid'}, (9, 11)),
                           ({'strides': 2, 'padding': 'same'}, (8, 10)),
                           ({'strides': 2, 'padding': 'same', 'output_padding': 1}, (8, 10)),
                           ({'strides': 1, 'padding': 'valid',
                             'data_format': 'channels_first'}, (6, 7))]:
        fmt = kwargs.get('data_format', 'channels_last')
        x = random_data((2, 3, 4, 5) if fmt == 'channels_first' else (2, 4, 5, 3))
        kernel, bias = w(3, 3, 2, 3), w(2)
        out_shape = (2, 2) + out_hw if fmt == 'channels_first' else (2,) + out_hw + (2,)
        strides = kwargs['strides']
        expected = R.bias_add(R.conv2d_transpose(x, kernel, out_shape, (strides, strides),
                                                 kwargs['padding'], fmt), bias, fmt)
        cases.append(case(layers.Conv2DTranspose, dict(kwargs, filters=2, kernel_size=3),
                          input_data=x, weights=[kernel, bias], expected_output=expected))
        shapes.append(out_shape)
    results = layer_tests(*cases)
    assert [y.shape for _, y in results] == shapes


def test_depthwise_and_separable():
    x = random_data((2, 6, 5, 3))
    dk, pk, bias = w(3, 3, 3, 2), w(1, 1, 6, 4), w(4)
    dbias = w(6)
    layer_tests(
        case(layers.SeparableConv2D, {'filters': 4, 'kernel_size': 3, 'depth_multiplier': 2,
                                      'padding': 'same'},
             input_data=x, weights=[dk, pk, bias], expected_num_weights=3,
             expected_output=R.separable_conv2d(x, dk, pk, padding='same') + bias,
             expected_output_shape=(None, 6, 5, 4)),
        case(layers.DepthwiseConv2D, {'kernel_size': 3, 'depth_multiplier': 2},
             input_data=x, weights=[dk, dbias], expected_num_weights=2,
             expected_output=R.depthwise_conv2d(x, dk) + dbias,
             expected_output_shape=(None, 4, 3, 6)))


def test_padding_cropping_upsampling():
    x3 = random_data((2, 5, 3))
    x4 = random_data((2, 5, 6, 3))
    layer_tests(
        case(layers.ZeroPadding1D, {'padding': (1, 2)}, input_data=x3,
             expected_output=np.pad(x3, [(0, 0), (1, 2), (0, 0)], mode='constant'),
             expected_output_shape=(None, 8, 3)),
        case(layers.Cropping1D, {'cropping': (1, 2)}, input_data=x3,
             expected_output=x3[:, 1:3], expected_output_shape=(None, 2, 3)),
        case(layers.UpSampling1D, {'size': 3}, input_data=x3,
             expected_output=np.repeat(x3, 3, axis=1), expected_output_shape=(None, 15, 3)),
        case(layers.ZeroPadding2D, {'padding': ((1, 0), (2, 1))}, input_data=x4,
             expected_output=np.pad(x4, [(0, 0), (1, 0), (2, 1), (0, 0)], mode='constant'),
             expected_output_shape=(None, 6, 9, 3)),
        case(layers.ZeroPadding2D, {'padding': 1, 'data_format': 'channels_first'},
             input_data=x4,
             expected_output=np.pad(x4, [(0, 0), (0, 0), (1, 1), (1, 1)], mode='constant')),
        case(layers.Cropping2D, {'cropping': ((1, 2), (0, 3))}, input_data=x4,
             expected_output=x4[:, 1:3, 0:3], expected_output_shape=(None, 2, 3, 3)),
        case(layers.Cropping2D, {'cropping': 1, 'data_format': 'channels_first'},
             input_data=x4, expected_output=x4[:, :, 1:-1, 1:-1]),
        case(layers.UpSampling2D, {'size': (2, 3)}, input_data=x4,
             expected_output=np.repeat(np.repeat(x4, 2, axis=1), 3, axis=2),
             expected_output_shape=(None, 10, 18, 3)),
        case(layers.UpSampling2D, {'size': 2, 'interpolation': 'bilinear'}, input_data=x4,
             expected_output=R.resize_images(x4, 2, 2, 'channels_last', 'bilinear')))


def test_cropping_with_unknown_length():
    from minikeras.layers import Input
    from tests.layers.layer_test import run
    inp = Input((None, 2))
    out = layers.Cropping1D((1, 1))(inp)
    assert out.shape == (None, None, 2)
    x = random_data((2, 6, 2))
    np.testing.assert_allclose(run([inp], [out], [x])[0], x[:, 1:-1])
