"""Keras 2.3.1 script (run unchanged by tests/test_keras231_scripts.py)."""
import numpy as np

from k2report import attempt, fix_weights, history_values, report  # noqa: F401
import keras
from keras.models import Sequential, Model
from keras.layers import Dense, Input, Conv2D, concatenate
from keras import backend as K


m = Sequential([Dense(2, input_shape=(3,))])
m.compile('sgd', 'mse')
attempt('fit_wrong_features', lambda: m.fit(np.zeros((4, 5)), np.zeros((4, 2)), verbose=0))
attempt('fit_wrong_target', lambda: m.fit(np.zeros((4, 3)), np.zeros((4, 7)), verbose=0))
attempt('fit_len_mismatch', lambda: m.fit(np.zeros((4, 3)), np.zeros((5, 2)), verbose=0))
attempt('predict_wrong_rank', lambda: m.predict(np.zeros((4, 3, 1))))
attempt('unknown_loss', lambda: m.compile('sgd', 'not_a_loss'))
attempt('unknown_optimizer', lambda: m.compile('not_an_opt', 'mse'))
attempt('unknown_activation', lambda: Dense(2, activation='nope'))
attempt('unknown_initializer', lambda: Dense(2, kernel_initializer='nope'))
attempt('fit_uncompiled', lambda: Sequential([Dense(2, input_shape=(3,))]).fit(np.zeros((2, 3)), np.zeros((2, 2)), verbose=0))
attempt('concat_mismatch', lambda: concatenate([Input((3, 4)), Input((5, 6))]))
attempt('conv_on_2d', lambda: Conv2D(2, 3)(Input((5,))))
attempt('model_disconnected', lambda: Model(Input((3,)), Dense(2)(Input((3,)))))
attempt('set_weights_wrong', lambda: m.set_weights([np.zeros((4, 2)), np.zeros(2)]))
attempt('get_layer_missing', lambda: m.get_layer('nope'))
attempt('get_layer_index', lambda: m.get_layer(index=10))
attempt('dense_no_shape_predict', lambda: Sequential([Dense(2)]).predict(np.zeros((2, 3))))
attempt('fit_list_for_single', lambda: m.fit([np.zeros((4, 3)), np.zeros((4, 3))], np.zeros((4, 2)), verbose=0))
attempt('evaluate_batch_size_str', lambda: m.evaluate(np.zeros((4, 3)), np.zeros((4, 2)), batch_size='a', verbose=0))
attempt('load_missing_file', lambda: keras.models.load_model('/nonexistent/file.h5'))
attempt('to_categorical_neg', lambda: keras.utils.to_categorical([0, 1, 2], 2))
attempt('dict_missing_output', lambda: Model(Input((3,), name='i'), Dense(1, name='o')(Input((3,)))))
i = Input((3,), name='i'); o = Dense(1, name='o')(i); mm = Model(i, o); mm.compile('sgd', {'o': 'mse'})
attempt('dict_wrong_key', lambda: mm.fit({'i': np.zeros((2, 3))}, {'zz': np.zeros((2, 1))}, verbose=0))
attempt('dict_wrong_key_compile', lambda: mm.compile('sgd', {'zz': 'mse'}))
attempt('validation_split_bad', lambda: m.fit(np.zeros((4, 3)), np.zeros((4, 2)), validation_split=1.5, verbose=0))
attempt('sample_weight_bad', lambda: m.fit(np.zeros((4, 3)), np.zeros((4, 2)), sample_weight=np.ones(3), verbose=0))
attempt('class_weight_ok', lambda: m.fit(np.zeros((4, 3)), np.zeros((4, 2)), class_weight={0: 1, 1: 2}, verbose=0))
attempt('reshape_bad', lambda: keras.layers.Reshape((7,))(Input((3, 2))))
attempt('pop_empty', lambda: Sequential().pop())
attempt('add_non_layer', lambda: Sequential().add(3))
