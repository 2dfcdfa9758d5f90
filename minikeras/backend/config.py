"""Where the engine choice and the numeric settings come from.

Order: the ``KERAS_BACKEND`` environment variable, else the JSON file
``$MINIKERAS_HOME/minikeras.json`` (``MINIKERAS_HOME`` defaults to ``~/.minikeras``),
else defaults. Reading never writes a file.
"""
import json
import os

from minikeras.backend.engines import DEFAULT_ENGINE
from minikeras.backend.errors import ConfigError

FLOATX_VALUES = ('float16', 'float32', 'float64')
DATA_FORMATS = ('channels_last', 'channels_first')
DEFAULTS = {'floatx': 'float32', 'epsilon': 1e-7, 'image_data_format': 'channels_last'}
KEYS = ('backend',) + tuple(DEFAULTS)


def config_path():
    home = os.environ.get('MINIKERAS_HOME') or os.path.join(os.path.expanduser('~'),
                                                            '.minikeras')
    return os.path.join(home, 'minikeras.json')


def check_floatx(value, where='floatx'):
    if value not in FLOATX_VALUES:
        raise ConfigError('%s: expected one of %s, received %r'
                          % (where, ', '.join(FLOATX_VALUES), value))
    return str(value)


def check_data_format(value, where='image_data_format'):
    if value not in DATA_FORMATS:
        raise ConfigError('%s: expected one of %s, received %r'
                          % (where, ', '.join(DATA_FORMATS), value))
    return str(value)


def check_epsilon(value, where='epsilon'):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ConfigError('%s: expected a positive number, received %r' % (where, value))
    return float(value)


def _read_file(path):
    try:
        with open(path, 'rb') as f:
            raw = f.read()
    except OSError as e:
        raise ConfigError('cannot read minikeras config file %s: %s' % (path, e))
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError as e:
        raise ConfigError('minikeras config file %s is not UTF-8 text (%s); it should hold '
                          'JSON such as {"backend": "tensorflow"}' % (path, e))
    try:
        data = json.loads(text)
    except ValueError as e:
        raise ConfigError('minikeras config file %s is not valid JSON: %s' % (path, e))
    if not isinstance(data, dict):
        raise ConfigError('minikeras config file %s: expected a JSON object, received %s'
                          % (path, type(data).__name__))
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError('minikeras config file %s: unknown key %r (allowed keys: %s)'
                          % (path, unknown[0], ', '.join(KEYS)))
    return data


def load():
    """Return ``{'backend', 'backend_source', 'floatx', 'epsilon', 'image_data_format',
    'config_path'}``; raise ConfigError naming file, key and value on bad input."""
    path = config_path()
    data = _read_file(path) if os.path.isfile(path) else {}
    where = lambda key: 'minikeras config file %s, key %r' % (path, key)  # noqa: E731
    settings = dict(DEFAULTS)
    if 'floatx' in data:
        settings['floatx'] = check_floatx(data['floatx'], where('floatx'))
    if 'epsilon' in data:
        settings['epsilon'] = check_epsilon(data['epsilon'], where('epsilon'))
    if 'image_data_format' in data:
        settings['image_data_format'] = check_data_format(
            data['image_data_format'], where('image_data_format'))
    env = os.environ.get('KERAS_BACKEND')
    if env is not None and env.strip():
        settings['backend'] = env.strip()
        settings['backend_source'] = 'environment variable KERAS_BACKEND'
    elif 'backend' in data:
        if not isinstance(data['backend'], str) or not data['backend'].strip():
            raise ConfigError('%s: expected an engine name, received %r'
                              % (where('backend'), data['backend']))
        settings['backend'] = data['backend'].strip()
        settings['backend_source'] = 'config file %s' % path
    else:
        settings['backend'], settings['backend_source'] = DEFAULT_ENGINE, 'default'
    settings['config_path'] = path
    return settings
