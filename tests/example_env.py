"""The environment examples run in from the tests: as a user runs them.

The Theano-family lanes run the suite with the Python linker (noxfile.py: no cold C
compiles); examples run with the engine's default C linker (later flags win)."""
import os

import minikeras.backend as K

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
USER_LINKER = ',mode=Mode,linker=cvm,optimizer=fast_compile,optimizer_excluding='


def example_env(**extra):
    env = dict(os.environ, KERAS_BACKEND=K.backend(),
               PYTHONPATH=REPO + os.pathsep + os.environ.get('PYTHONPATH', ''))
    for var in ('THEANO_FLAGS', 'PYTENSOR_FLAGS'):
        if env.get(var):
            env[var] += USER_LINKER
    env.update(extra)
    return env
