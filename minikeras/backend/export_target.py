"""Which engine adapter writes deployment formats (SavedModel, TFLite, ONNX).

``minikeras.export`` is engine-free: it reads these names to decide whether the model can
be exported in this process (the active engine is the export engine) or must be handed,
as an h5 file, to a subprocess that runs the export engine."""

ENGINE = 'tensorflow'
MODULE = 'minikeras.backend.tensorflow.export'
INSTALL = 'pip install "minikeras[tensorflow,export]"   (Python 3.11)'


def active():
    """True when the engine in use is the export engine (export runs in-process)."""
    from minikeras.backend.state import backend
    return backend() == ENGINE


# The REST stand-in for TensorFlow Serving (run as ``python -m SERVING_MODULE``).
SERVING_MODULE = 'minikeras.backend.tensorflow.serving'
