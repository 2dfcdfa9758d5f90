"""Embedding (with mask_zero) and the merge layers."""
import numpy as np
import pytest

from minikeras import layers
from minikeras.layers import Input
from tests.layers.layer_test import case, layer_tests, random_data, run

rng = np.random.RandomState(2)


def test_embedding_lookup():
    table = rng.uniform(-1, 1, (10, 4)).astype('float32')
    ids = np.array([[0, 3, 9], [1, 1, 2]], 'int32')
    layer_tests(
        case(layers.Embedding, {'input_dim': 10, 'output_dim': 4}, input_data=ids,
             weights=[table], expected_output=table[ids], expected_num_weights=1,
             expected_output_shape=(None, 3, 4)),
        # float indices (the default Input dtype) are cast
        case(layers.Embedding, {'input_dim': 10, 'output_dim': 4, 'input_length': 3},
             input_data=ids.astype('float32'), weights=[table],
             expected_output=table[ids], expected_output_shape=(None, 3, 4)))


def test_embedding_input_length_sets_input_shape():
    layer = layers.Embedding(20, 3, input_length=7)
    assert layer.batch_input_shape == (None, 7)
    assert layers.Embedding(20, 3).batch_input_shape == (None, None)
    with pytest.raises(ValueError, match='input_length'):
        layers.Embedding(20, 3, input_length=7)(Input((5,)))


def test_embedding_mask_zero_reaches_pooling():
    inp = Input((4,), dtype='int32')
    layer = layers.Embedding(6, 2, mask_zero=True, embeddings_initializer='ones')
    emb = layer(inp)
    pooled = layers.GlobalAveragePooling1D()(emb)
    ids = np.array([[1, 2, 0, 0], [3, 0, 0, 0]], 'int32')
    table = np.arange(12, dtype='float32').reshape(6, 2)
    layer.set_weights([table])
    mask, avg = run([inp], [emb._keras_mask, pooled], [ids])
    np.testing.assert_array_equal(mask, ids != 0)
    np.testing.assert_allclose(avg, [table[[1, 2]].mean(0), table[3]], rtol=1e-6)
    # merging two masked inputs: the mask is the logical and
    other = layers.Embedding(6, 2, mask_zero=True)(inp)
    inp2 = Input((4,), dtype='int32')
    third = layers.Embedding(6, 2, mask_zero=True)(inp2)
    summed = layers.add([other, third])
    both = run([inp, inp2], [summed._keras_mask],
               [ids, np.array([[1, 1, 1, 0], [0, 1, 1, 1]], 'int32')])[0]
    np.testing.assert_array_equal(both, [[1, 1, 0, 0], [0, 0, 0, 0]])
    # concatenating along the features keeps the step mask
    cat = layers.concatenate([other, emb])
    np.testing.assert_array_equal(run([inp], [cat._keras_mask], [ids])[0], ids != 0)


def test_elementwise_merges():
    a, b, c = random_data((2, 3, 4), seed=1), random_data((2, 3, 4), seed=2), \
        random_data((2, 3, 4), seed=3)
    ia, ib, ic = Input((3, 4)), Input((3, 4)), Input((3, 4))
    outs = [layers.add([ia, ib, ic]), layers.subtract([ia, ib]),
            layers.multiply([ia, ib, ic]), layers.average([ia, ib]),
            layers.maximum([ia, ib, ic]), layers.minimum([ia, ib]),
            layers.concatenate([ia, ib], axis=1), layers.concatenate([ia, ib, ic]),
            layers.dot([ia, ib], axes=2), layers.dot([ia, ib], axes=(1, 1), normalize=True)]
    shapes = [(None, 3, 4)] * 6 + [(None, 6, 4), (None, 3, 12), (None, 3, 3), (None, 4, 4)]
    assert [o.shape for o in outs] == shapes
    values = run([ia, ib, ic], outs, [a, b, c])
    an = a / np.linalg.norm(a, axis=1, keepdims=True)
    bn = b / np.linalg.norm(b, axis=1, keepdims=True)
    expected = [a + b + c, a - b, a * b * c, (a + b) / 2, np.maximum(np.maximum(a, b), c),
                np.minimum(a, b), np.concatenate([a, b], 1), np.concatenate([a, b, c], -1),
                np.einsum('bik,bjk->bij', a, b), np.einsum('bki,bkj->bij', an, bn)]
    for got, want in zip(values, expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_merge_broadcasting_and_dot_vectors():
    ia, ib = Input((3, 4)), Input((4,))
    out = layers.Add()([ia, ib])
    assert out.shape == (None, 3, 4)
    a, b = random_data((2, 3, 4)), random_data((2, 4), seed=5)
    np.testing.assert_allclose(run([ia, ib], [out], [a, b])[0], a + b[:, None, :],
                               rtol=1e-6)
    iv, iw = Input((5,)), Input((5,))
    d = layers.Dot(axes=1)([iv, iw])
    assert d.shape == (None, 1)
    v, w = random_data((2, 5)), random_data((2, 5), seed=7)
    np.testing.assert_allclose(run([iv, iw], [d], [v, w])[0], (v * w).sum(1, keepdims=True),
                               rtol=1e-5)


def test_merge_config_round_trip():
    for layer in [layers.Add(), layers.Concatenate(axis=1), layers.Dot(axes=(1, 2),
                                                                       normalize=True)]:
        clone = layers.deserialize(layers.serialize(layer))
        assert type(clone) is type(layer) and clone.get_config() == layer.get_config()


def test_merge_errors():
    ia, ib, ic = Input((3,)), Input((4,)), Input((3,))
    with pytest.raises(ValueError, match='broadcast'):
        layers.add([ia, ib])
    with pytest.raises(ValueError, match='list'):
        layers.Add()(ia)
    with pytest.raises(ValueError, match='at least 2'):
        layers.Add()([ia])
    with pytest.raises(ValueError, match='exactly 2'):
        layers.subtract([ia, ic, ia])
    with pytest.raises(ValueError, match='other axes match'):
        layers.concatenate([Input((2, 3)), Input((4, 5))])
    with pytest.raises(ValueError, match='differ in length'):
        layers.dot([ia, ib], axes=1)
