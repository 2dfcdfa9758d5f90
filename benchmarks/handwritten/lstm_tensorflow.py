"""The LSTM classifier step written directly in TensorFlow, no tf.keras: one tf.function
with the embedding gather, the input projection of all time steps as one matrix product,
the recurrence as a ``tf.while_loop`` reading a TensorArray (gates i, f, c, o; sigmoid and
tanh), the Dense sigmoid output, Keras 2 binary cross-entropy (clip, -y log p - (1-y)
log(1-p)), ``tf.gradients`` and Adam with Keras 2 math (dense updates of every parameter,
the embedding matrix included, as Keras 2 does)."""
import tensorflow as tf


def make_step(weights, lr=0.001, beta_1=0.9, beta_2=0.999, eps=1e-7):
    params = [tf.Variable(w) for w in weights]
    ms = [tf.Variable(tf.zeros_like(w)) for w in weights]
    vs = [tf.Variable(tf.zeros_like(w)) for w in weights]
    iterations = tf.Variable(0., dtype=tf.float32)
    units = weights[2].shape[0]

    @tf.function(input_signature=[tf.TensorSpec((None, None), tf.int32),
                                  tf.TensorSpec((None, 1), tf.float32)])
    def step(x, y):
        emb, kernel, recurrent, bias, w_out, b_out = params
        e = tf.gather(emb, x)                                   # (batch, time, embed)
        z_in = tf.einsum('bte,eg->tbg', e, kernel) + bias       # time-major projections
        steps = tf.shape(z_in)[0]
        # read steps from a TensorArray: slicing z_in[t] would make every backward step
        # scatter into a full-size zero tensor
        z_ta = tf.TensorArray(tf.float32, size=steps, element_shape=z_in.shape[1:]).unstack(z_in)
        zeros = tf.zeros((tf.shape(x)[0], units))

        def body(t, h, c):
            z = z_ta.read(t) + tf.matmul(h, recurrent)
            i, f, g, o = tf.split(z, 4, axis=1)
            c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
            h = tf.sigmoid(o) * tf.tanh(c)
            return t + 1, h, c

        _, h, _ = tf.while_loop(lambda t, h, c: t < steps, body, (0, zeros, zeros))
        p = tf.sigmoid(tf.matmul(h, w_out) + b_out)
        p = tf.clip_by_value(p, eps, 1. - eps)
        loss = tf.reduce_mean(-(y * tf.math.log(p) + (1. - y) * tf.math.log(1. - p)))
        grads = tf.gradients(loss, params)
        t = iterations + 1.
        lr_t = lr * tf.sqrt(1. - tf.pow(beta_2, t)) / (1. - tf.pow(beta_1, t))
        for p_, m, v, g in zip(params, ms, vs, grads):
            g = tf.convert_to_tensor(g)                         # IndexedSlices -> dense
            m_t = beta_1 * m + (1. - beta_1) * g
            v_t = beta_2 * v + (1. - beta_2) * tf.square(g)
            m.assign(m_t)
            v.assign(v_t)
            p_.assign(p_ - lr_t * m_t / (tf.sqrt(v_t) + eps))
        iterations.assign(t)
        return loss

    def run(x, y):
        return step(x, y).numpy()
    run.parameters = params
    return run


def configure_threads(n):
    tf.config.threading.set_intra_op_parallelism_threads(n)
    tf.config.threading.set_inter_op_parallelism_threads(n)
