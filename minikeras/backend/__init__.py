"""The Keras ``K`` namespace: the chosen engine's ops plus engine-independent helpers.

The engine is chosen once, at import, from ``KERAS_BACKEND``, else the config file
(see ``config``), else TensorFlow. Only the chosen engine is imported.
"""
from minikeras.backend import config as _config
from minikeras.backend import loader as _loader
from minikeras.backend import state as _state
from minikeras.backend.common import (  # noqa: F401
    Function, batch_get_value, batch_set_value, cast_to_floatx, clear_session, eager,
    function, image_dim_ordering, is_keras_tensor, is_placeholder, moving_average_update,
    name_scope, placeholder, set_image_dim_ordering, update, update_add, update_sub)
from minikeras.backend.contract import CONTRACT as _CONTRACT
from minikeras.backend.errors import ConfigError, EngineError  # noqa: F401
from minikeras.backend.session_compat import (  # noqa: F401
    get_session, manual_variable_initialization, normalize_batch_in_training,
    random_normal_variable, random_uniform_variable, set_session)
from minikeras.backend.state import (  # noqa: F401
    backend, backend_source, epsilon, floatx, get_uid, image_data_format, in_test_phase,
    in_train_phase, learning_phase, learning_phase_scope, normalize_data_format,
    reset_uids, set_epsilon, set_floatx, set_image_data_format, set_learning_phase)

_state.init(_config.load())
_engine = _loader.import_engine(_state.backend())

for _op in _CONTRACT:
    globals()[_op] = _loader.wrap(_op, getattr(_engine, _op))
del _op


def unsupported_ops():
    """Contract ops the active engine cannot do (they raise NotImplementedError)."""
    return _loader.unsupported_ops(_engine)
