"""The Theano engine adapter, for classic Theano 1.0 (Python 3.6) and its maintained fork
PyTensor (Python 3.11). ``_impl`` picks the implementation (``MINIKERAS_THEANO_IMPL``
forces one) and hides their API differences; the topic modules follow the contract."""
from minikeras.backend import adapter as _adapter
from minikeras.backend.theano._impl import IMPL  # noqa: F401
from minikeras.backend.theano import (
    compile, control, conv, core, ctc, lstm, math, nn, random, rnn, volumes)

_adapter.export_ops(globals(), (core, math, nn, conv, random, rnn, compile, volumes, control,
                                ctc, lstm))  # the op rnn
# replaces the module rnn as the package's attribute, as the other ops do their names
