"""Global numeric settings and the learning phase, shared by every engine adapter."""
import contextlib
from collections import defaultdict

from minikeras.backend import config

_settings = {}
_uids = defaultdict(int)


def init(settings):
    _settings.clear()
    _settings.update(settings)
    _settings['learning_phase'] = 0


def backend():
    """Name of the engine in use, e.g. 'tensorflow'."""
    return _settings['backend']


def backend_source():
    """Where the engine choice came from: the environment variable, the config file, or
    the default."""
    return _settings['backend_source']


def floatx():
    return _settings['floatx']


def set_floatx(value):
    _settings['floatx'] = config.check_floatx(value)


def epsilon():
    return _settings['epsilon']


def set_epsilon(value):
    _settings['epsilon'] = config.check_epsilon(value)


def image_data_format():
    return _settings['image_data_format']


def set_image_data_format(data_format):
    _settings['image_data_format'] = config.check_data_format(data_format)


def normalize_data_format(value):
    if value is None:
        return image_data_format()
    return config.check_data_format(value, 'data_format')


class LearningPhase(int):
    """The value of ``learning_phase()``: an int (0 test, 1 train) that ``K.function``
    also accepts in its input list, Keras 2 style."""


def learning_phase():
    return LearningPhase(_settings['learning_phase'])


def set_learning_phase(value):
    if value not in (0, 1):
        raise ValueError('learning phase: expected 0 or 1, received %r' % (value,))
    _settings['learning_phase'] = int(value)


@contextlib.contextmanager
def learning_phase_scope(value):
    old = _settings['learning_phase']
    set_learning_phase(value)
    try:
        yield
    finally:
        _settings['learning_phase'] = old


def in_train_phase(x, alt, training=None):
    """``x`` in the training phase, else ``alt`` (callables are called). The phase is
    fixed when a function is traced, so each phase gets its own compiled function."""
    if training is None:
        training = learning_phase()
    chosen = x if training else alt
    return chosen() if callable(chosen) else chosen


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training=training)


def get_uid(prefix=''):
    _uids[prefix] += 1
    return _uids[prefix]


def reset_uids():
    _uids.clear()
