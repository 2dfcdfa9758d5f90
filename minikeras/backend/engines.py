"""The engines minikeras knows: adapter module, how to install it, and the names of the
test-matrix lanes (virtual environments) that run it."""

ENGINES = {
    'tensorflow': {
        'module': 'minikeras.backend.tensorflow',
        'install': 'pip install "minikeras[tensorflow]"   (Python 3.9+, TensorFlow 2.21)',
        'lanes': ('tensorflow',),
    },
    'theano': {
        'module': 'minikeras.backend.theano',
        'install': 'pip install "minikeras[theano]"   (Python 3.6, Theano 1.0.5) or '
                   'pip install "minikeras[pytensor]"   (Python 3.11, PyTensor)',
        'lanes': ('pytensor', 'theano36'),
    },
    'cntk': {
        'module': 'minikeras.backend.cntk',
        'install': 'pip install "minikeras[cntk]"   (Python 3.6 only, plus Debian\'s '
                   'libopenmpi3 openmpi-bin; see the README)',
        'lanes': ('cntk36',),
    },
    'mxnet': {
        'module': 'minikeras.backend.mxnet',
        'install': 'pip install "minikeras[mxnet]"   (MXNet 1.9.1)',
        'lanes': ('mxnet', 'mxnet36'),
    },
    'jax': {
        'module': 'minikeras.backend.jax',
        'install': 'pip install "minikeras[jax]"   (Python 3.12+, JAX 0.12 with jaxlib, CPU)',
        'lanes': ('jax',),
    },
    'numpy': {
        'module': 'minikeras.backend.numpy',
        'install': 'nothing: the NumPy reference ships with minikeras (inference only, '
                   'no gradients)',
        'lanes': ('numpy',),
    },
}

DEFAULT_ENGINE = 'tensorflow'


def valid_names():
    return ', '.join(sorted(ENGINES))
