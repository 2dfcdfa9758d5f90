"""The TensorFlow 2 engine adapter: every contract op with TensorFlow's own ops.

Importing this package imports TensorFlow (quietly, see ``_tf``). Ops work on eager
tensors and inside ``tf.function`` graphs; ``compiled_function`` traces a training step
into one ``tf.function``.
"""
from minikeras.backend import adapter as _adapter
from minikeras.backend.tensorflow import (
    compile, control, core, ctc, distribute, fused, math, nn, random, rnn, volumes)

_adapter.export_ops(globals(), (core, math, nn, random, rnn, compile, volumes, control, ctc,
                                fused, distribute))

# a worker started by minikeras-launch joins its cluster before TensorFlow runs any op
distribute._join_if_launched()
