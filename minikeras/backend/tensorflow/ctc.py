"""TensorFlow: CTC with TensorFlow's own ops, as Keras 2.3.1 calls them."""
from minikeras.backend import state
from minikeras.backend.tensorflow._tf import _to_tensor, tf


def ctc_label_dense_to_sparse(labels, label_lengths):
    labels = _to_tensor(labels)
    lengths = tf.reshape(tf.cast(_to_tensor(label_lengths), tf.int32), [-1])
    mask = tf.sequence_mask(lengths, tf.shape(labels)[1])
    indices = tf.where(mask)
    return tf.SparseTensor(indices, tf.gather_nd(labels, indices),
                           tf.cast(tf.shape(labels), tf.int64))


def _time_major_logits(y_pred):
    y_pred = _to_tensor(y_pred)
    return tf.math.log(tf.transpose(y_pred, perm=[1, 0, 2]) + state.epsilon())


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    label_length = tf.reshape(tf.cast(_to_tensor(label_length), tf.int32), [-1])
    input_length = tf.reshape(tf.cast(_to_tensor(input_length), tf.int32), [-1])
    sparse = ctc_label_dense_to_sparse(_to_tensor(y_true), label_length)
    sparse = tf.SparseTensor(sparse.indices, tf.cast(sparse.values, tf.int32),
                             sparse.dense_shape)
    loss = tf.compat.v1.nn.ctc_loss(labels=sparse, inputs=_time_major_logits(y_pred),
                                    sequence_length=input_length)
    return tf.expand_dims(loss, 1)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    y_pred = _to_tensor(y_pred)
    shape = tf.shape(y_pred)
    logits = _time_major_logits(y_pred)
    lengths = tf.reshape(tf.cast(_to_tensor(input_length), tf.int32), [-1])
    if greedy:
        decoded, log_prob = tf.nn.ctc_greedy_decoder(inputs=logits, sequence_length=lengths)
    else:
        decoded, log_prob = tf.compat.v1.nn.ctc_beam_search_decoder(
            inputs=logits, sequence_length=lengths, beam_width=beam_width,
            top_paths=top_paths)
    dense_shape = tf.cast(shape[:2], tf.int64)
    dense = [tf.sparse.to_dense(tf.SparseTensor(st.indices, st.values, dense_shape),
                                default_value=-1) for st in decoded]
    return dense, log_prob
