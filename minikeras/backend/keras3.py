"""TensorFlow 2.21 imports the Keras 3 package itself; what the ``keras`` alias of
``minikeras-run`` must do about it (kept here, where engine names belong)."""
import sys
import warnings


def resolve_tf_keras(alias='keras'):
    """TensorFlow's lazy ``tf.keras`` decides between Keras 2 and 3 from
    ``keras.__version__`` when first touched; resolve it now, while ``keras`` is still the
    real package, so ``tf.keras`` keeps working after the alias. Does nothing unless
    TensorFlow and the real keras are already imported."""
    tf = sys.modules.get('tensorflow')
    real = sys.modules.get(alias)
    if tf is None or real is None or getattr(real, '__name__', '') != alias:
        return
    try:
        getattr(tf, 'keras').__name__
    except Exception as e:  # noqa: BLE001  (TensorFlow's own problem, reported, not fatal)
        warnings.warn('tf.keras could not be loaded before keras was aliased to minikeras, '
                      'so tf.keras will not work in this process: %s' % (e,))
