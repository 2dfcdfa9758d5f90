"""The MNIST CNN step written directly in TensorFlow: one tf.function with the forward
pass (NHWC ``conv2d``, ``max_pool2d``, ``dropout``), Keras 2 categorical cross-entropy,
``tf.gradients`` and Adadelta updates (Keras 2 math) as ``assign``s."""
import tensorflow as tf

from handwritten.tensorflow import configure_threads  # noqa: F401 (used by the benchmark)


def make_step(weights, lr=1.0, rho=0.95, eps=1e-7):
    params = [tf.Variable(w) for w in weights]
    accums = [tf.Variable(tf.zeros_like(w)) for w in weights]
    deltas = [tf.Variable(tf.zeros_like(w)) for w in weights]

    @tf.function(input_signature=[tf.TensorSpec((None, 28, 28, 1), tf.float32),
                                  tf.TensorSpec((None, 10), tf.float32)])
    def step(x, y):
        k1, b1, k2, b2, w3, b3, w4, b4 = params
        h = tf.nn.relu(tf.nn.conv2d(x, k1, 1, 'VALID') + b1)
        h = tf.nn.relu(tf.nn.conv2d(h, k2, 1, 'VALID') + b2)
        h = tf.nn.dropout(tf.nn.max_pool2d(h, 2, 2, 'VALID'), rate=0.25)
        h = tf.reshape(h, (-1, 12 * 12 * 64))
        h = tf.nn.dropout(tf.nn.relu(tf.matmul(h, w3) + b3), rate=0.5)
        p = tf.nn.softmax(tf.matmul(h, w4) + b4)
        p = tf.clip_by_value(p / tf.reduce_sum(p, -1, keepdims=True), eps, 1 - eps)
        loss = tf.reduce_mean(-tf.reduce_sum(y * tf.math.log(p), -1))
        grads = tf.gradients(loss, params)
        for v, a, d, g in zip(params, accums, deltas, grads):
            new_a = rho * a + (1 - rho) * tf.square(g)
            update = g * tf.sqrt(d + eps) / tf.sqrt(new_a + eps)
            a.assign(new_a)
            v.assign(v - lr * update)
            d.assign(rho * d + (1 - rho) * tf.square(update))
        return loss

    def run(x, y):
        return step(x, y).numpy()
    return run
