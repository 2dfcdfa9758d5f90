"""The MNIST MLP step written directly in TensorFlow: one tf.function with the forward
pass, softmax cross-entropy, gradients and RMSprop updates (Keras 2 math)."""
import tensorflow as tf


def make_step(weights, lr=0.001, rho=0.9, eps=1e-7, dropout=0.2):
    params = [tf.Variable(w) for w in weights]
    accums = [tf.Variable(tf.zeros_like(w)) for w in weights]

    @tf.function(input_signature=[tf.TensorSpec((None, 784), tf.float32),
                                  tf.TensorSpec((None, 10), tf.float32)])
    def step(x, y):
        w1, b1, w2, b2, w3, b3 = params
        h = tf.nn.relu(tf.matmul(x, w1) + b1)
        h = tf.nn.dropout(h, rate=dropout)
        h = tf.nn.relu(tf.matmul(h, w2) + b2)
        h = tf.nn.dropout(h, rate=dropout)
        p = tf.nn.softmax(tf.matmul(h, w3) + b3)
        p = tf.clip_by_value(p / tf.reduce_sum(p, -1, keepdims=True), eps, 1 - eps)
        loss = tf.reduce_mean(-tf.reduce_sum(y * tf.math.log(p), -1))
        grads = tf.gradients(loss, params)
        for v, a, g in zip(params, accums, grads):
            new_a = rho * a + (1 - rho) * tf.square(g)
            a.assign(new_a)
            v.assign(v - lr * g / (tf.sqrt(new_a) + eps))
        return loss

    def run(x, y):
        return step(x, y).numpy()
    return run


def configure_threads(n):
    tf.config.threading.set_intra_op_parallelism_threads(n)
    tf.config.threading.set_inter_op_parallelism_threads(n)
