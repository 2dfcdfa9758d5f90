"""Keras 2.3.1's argument lists: optimizers (learning_rate first, lr accepted, 2.3.1
config keys), recurrent layers' real parameters, and the Keras-1 keywords 2.3.1 still
converts with a warning."""
import inspect
import warnings

import numpy as np
import pytest

import minikeras.backend as K
from minikeras import layers, optimizers
from minikeras.models import Sequential


def test_optimizer_signatures_put_learning_rate_first():
    for cls in (optimizers.SGD, optimizers.RMSprop, optimizers.Adagrad, optimizers.Adadelta,
                optimizers.Adam, optimizers.Adamax, optimizers.Nadam):
        assert list(inspect.signature(cls).parameters)[0] == 'learning_rate', cls
    sgd = optimizers.SGD(0.1, 0.9, True)          # learning_rate, momentum, nesterov
    assert sgd.nesterov and sgd.momentum == 0.9
    with pytest.raises(TypeError):
        optimizers.SGD(0.1, 0.9, 0.0, True)         # Keras 2.2's decay position is gone


def test_optimizer_configs_have_keras_231_keys():
    assert optimizers.SGD().get_config() == {
        'learning_rate': 0.01, 'momentum': 0.0, 'decay': 0.0, 'nesterov': False}
    assert list(optimizers.Adam().get_config()) == [
        'learning_rate', 'beta_1', 'beta_2', 'decay', 'epsilon', 'amsgrad']
    assert list(optimizers.RMSprop().get_config()) == ['learning_rate', 'rho', 'decay',
                                                       'epsilon']
    assert list(optimizers.Nadam().get_config()) == [
        'learning_rate', 'beta_1', 'beta_2', 'epsilon', 'schedule_decay']
    assert optimizers.Adam(lr=0.5, decay=0.1).get_config()['decay'] == pytest.approx(0.1)
    with pytest.raises(TypeError, match='Unexpected keyword argument passed to optimizer'):
        optimizers.Adam(bogus=1)


def test_keras_231_style_custom_optimizer_trains():
    class PlainSGD(optimizers.Optimizer):     # written as Keras 2.3.1 documents it
        def __init__(self, learning_rate=0.1, **kwargs):
            super(PlainSGD, self).__init__(**kwargs)
            self.iterations = K.variable(0., name='iterations')
            self.learning_rate = K.variable(learning_rate, name='learning_rate')

        def get_updates(self, loss, params):
            grads = self.get_gradients(loss, params)
            self.updates = [K.update_add(self.iterations, 1.)]
            for p, g in zip(params, grads):
                self.updates.append(K.update(p, p - self.learning_rate * g))
            return self.updates

    model = Sequential([layers.Dense(1, input_shape=(1,), kernel_initializer='zeros',
                                     bias_initializer='zeros')])
    model.compile(PlainSGD(0.1), 'mse')
    model.train_on_batch(np.ones((4, 1), 'float32'), np.ones((4, 1), 'float32'))
    # d(mse)/dw = -2 * (1 - 0) * 1 = -2 -> w = 0.2, same for the bias
    np.testing.assert_allclose(model.get_weights()[0], [[0.2]], rtol=1e-6)


def test_recurrent_layers_declare_keras_231_arguments():
    params = inspect.signature(layers.LSTM).parameters
    assert params['implementation'].default == 2
    assert list(params)[:3] == ['units', 'activation', 'recurrent_activation']
    assert list(inspect.signature(layers.GRU).parameters)[-2] == 'reset_after'
    assert layers.LSTM(3).get_config()['implementation'] == 2
    assert layers.GRU(3).get_config()['implementation'] == 2
    assert layers.LSTMCell(3, 'relu').activation.__name__ == 'relu'
    assert layers.SimpleRNN(3, 'relu', False).use_bias is False


def _converted(make):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layer = make()
    messages = [str(w.message) for w in caught]
    assert any('Keras 2 API' in m for m in messages), messages
    return layer, messages


def test_keras1_layer_keywords_are_converted_with_a_warning():
    conv, msgs = _converted(lambda: layers.Conv2D(32, 3, 3, border_mode='same',
                                                  subsample=(2, 2), dim_ordering='th'))
    assert conv.filters == 32 and conv.kernel_size == (3, 3) and conv.strides == (2, 2)
    assert conv.padding == 'same' and conv.data_format == 'channels_first'
    assert msgs[0].startswith('Update your `Conv2D` call to the Keras 2 API: `Conv2D(32, '
                              '(3, 3), ')
    conv, _ = _converted(lambda: layers.Convolution2D(nb_filter=8, nb_row=2, nb_col=5))
    assert conv.filters == 8 and conv.kernel_size == (2, 5)
    sep, _ = _converted(lambda: layers.SeparableConv2D(16, 3, 3, border_mode='same'))
    assert sep.kernel_size == (3, 3) and sep.strides == (1, 1) and sep.padding == 'same'
    dense, _ = _converted(lambda: layers.Dense(output_dim=4, init='zeros',
                                               W_regularizer='l2', bias=False))
    assert dense.units == 4 and dense.use_bias is False and dense.kernel_regularizer
    conv1d, _ = _converted(lambda: layers.Conv1D(4, 3, input_dim=5, input_length=10))
    assert conv1d.batch_input_shape == (None, 10, 5)
    lstm, _ = _converted(lambda: layers.LSTM(output_dim=5, consume_less='mem',
                                             inner_activation='hard_sigmoid', dropout_W=0.1))
    assert (lstm.units, lstm.cell.implementation, lstm.dropout) == (5, 1, 0.1)
    pool, _ = _converted(lambda: layers.MaxPooling1D(pool_length=3, stride=1))
    assert pool.pool_size == (3,) and pool.strides == (1,)
    drop, _ = _converted(lambda: layers.Dropout(p=0.3))
    assert drop.rate == 0.3
    with pytest.raises(TypeError, match='Stick to the latter'):
        layers.Dense(units=3, output_dim=4)
    with pytest.raises(ValueError, match='integer positional'):
        layers.Conv2D(8, 3, 3, strides=2)


def test_keras2_calls_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert layers.Conv2D(8, 3, strides=2).kernel_size == (3, 3)
        assert layers.Conv2D(8, (3, 3), (2, 2)).strides == (2, 2)


def test_keras1_fit_generator_arguments():
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile('sgd', 'mse')

    def batches():
        while True:
            yield np.ones((4, 2), 'float32'), np.ones((4, 1), 'float32')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        hist = model.fit_generator(batches(), samples_per_epoch=3, nb_epoch=2, verbose=0)
    assert len(hist.history['loss']) == 2
    assert any('Update your `fit_generator` call' in str(w.message) for w in caught)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter('always')
        from minikeras.models import Model
        x = layers.Input((2,))
        model = Model(input=x, output=layers.Dense(1)(x))
    assert len(model.inputs) == 1
