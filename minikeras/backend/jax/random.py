"""JAX adapter: random tensors from ``jax.random`` keys.

Inside a compiled function every random call site (counted in call order) gets the key
``fold_in(fold_in(PRNGKey(seed), site), call number)``: each call draws fresh values,
and the sequence repeats for the same seed. An unseeded site uses the compiled
function's seed, drawn once from numpy's global generator, so ``numpy.random.seed``
makes a script repeat its loss curve. Eagerly, a seed gives the same values on every
call; no seed draws a key seed from numpy's global generator.
"""
from minikeras.backend import state
from minikeras.backend.jax import _trace
from minikeras.backend.jax._jax import jax, jnp, np, _shape_tuple



def _key(seed):
    ctx = _trace._current()
    if ctx is not None:
        return ctx.random_key(seed)
    return _trace._eager_random_key(seed)


def _dtype(dtype, op, allow_int=False):
    dt = np.dtype(state.floatx() if dtype is None else dtype)
    if not (np.issubdtype(dt, np.floating) or (allow_int and np.issubdtype(dt, np.integer))):
        raise TypeError('%s: expected a float dtype, received %r' % (op, dtype))
    return dt


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dt = _dtype(dtype, 'random_normal')
    values = jax.random.normal(_key(seed), _shape_tuple(shape, 'random_normal'), dtype=dt)
    return (mean + stddev * values).astype(dt)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dt = _dtype(dtype, 'random_uniform', allow_int=True)
    shape = _shape_tuple(shape, 'random_uniform')
    if np.issubdtype(dt, np.integer):
        return jax.random.randint(_key(seed), shape, int(minval), int(maxval), dtype=dt)
    return jax.random.uniform(_key(seed), shape, dtype=dt, minval=minval, maxval=maxval)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dt = _dtype(dtype, 'truncated_normal')
    values = jax.random.truncated_normal(_key(seed), -2., 2.,
                                         _shape_tuple(shape, 'truncated_normal'), dtype=dt)
    return (mean + stddev * values).astype(dt)


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    dt = np.dtype(state.floatx() if dtype is None else dtype)
    u = jax.random.uniform(_key(seed), _shape_tuple(shape, 'random_binomial'))
    return jnp.asarray(u < p).astype(dt)
