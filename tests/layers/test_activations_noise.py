"""Advanced activation layers and noise layers."""
import numpy as np

from minikeras import layers
from minikeras.layers import Input
from tests.layers.layer_test import case, layer_tests, random_data, run


def test_advanced_activations():
    x = random_data((2, 3, 4)) * 3
    e = np.exp(x - x.max(axis=1, keepdims=True))
    alpha = np.random.RandomState(0).uniform(0, 1, (3, 4)).astype('float32')
    shared = alpha[:1]
    layer_tests(
        case(layers.LeakyReLU, {'alpha': 0.2}, input_data=x,
             expected_output=np.where(x > 0, x, 0.2 * x)),
        case(layers.ELU, {'alpha': 0.5}, input_data=x,
             expected_output=np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
        case(layers.ThresholdedReLU, {'theta': 0.5}, input_data=x,
             expected_output=np.where(x > 0.5, x, 0)),
        case(layers.Softmax, {'axis': 1}, input_data=x,
             expected_output=e / e.sum(axis=1, keepdims=True)),
        case(layers.ReLU, {'max_value': 1.5, 'negative_slope': 0.1, 'threshold': 0.5},
             input_data=x,
             expected_output=np.where(x > 0.5, np.minimum(x, 1.5), 0.1 * (x - 0.5))),
        case(layers.ReLU, {}, input_data=x, expected_output=np.maximum(x, 0)),
        case(layers.PReLU, {}, input_data=x, weights=[alpha], expected_num_weights=1,
             expected_output=np.where(x > 0, x, alpha * x)),
        case(layers.PReLU, {'shared_axes': [1]}, input_data=x, weights=[shared],
             expected_output=np.where(x > 0, x, shared * x)))


def test_noise_layers_in_both_phases():
    x = random_data((2, 5))
    # test phase: the identity
    layer_tests(case(layers.GaussianNoise, {'stddev': 0.5}, input_data=x, expected_output=x),
                case(layers.GaussianDropout, {'rate': 0.3}, input_data=x, expected_output=x),
                case(layers.AlphaDropout, {'rate': 0.2, 'seed': 3}, input_data=x,
                     expected_output=x))
    inp = Input((2000,))
    outs = [layers.GaussianNoise(0.5)(inp), layers.GaussianDropout(0.5)(inp),
            layers.AlphaDropout(0.3)(inp)]
    data = np.ones((2, 2000), 'float32')
    noise, gdrop, adrop = run([inp], outs, [data], phase=1)
    assert abs((noise - 1).std() - 0.5) < 0.05 and abs((noise - 1).mean()) < 0.05
    assert abs(gdrop.std() - 1.0) < 0.1 and abs(gdrop.mean() - 1) < 0.1
    # alpha dropout: two values only, the dropped one a*alpha' + b
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - 0.3) * (1 + 0.3 * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * 0.3
    np.testing.assert_allclose(sorted(np.unique(adrop.round(5))),
                               sorted(np.round([a * alpha_p + b, a + b], 5)), rtol=1e-4)
    assert 0.2 < (np.abs(adrop - (a * alpha_p + b)) < 1e-4).mean() < 0.4