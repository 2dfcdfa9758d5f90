"""Serving fast path: ``predict`` / ``predict_on_batch`` on one small in-memory array.

The first call for a signature goes through the full path (standardize, check, build,
compile). It leaves behind a ``FastPredict`` for that signature: the model's one input,
its dtype and trailing shape, and the compiled predict function's ``unchecked`` entry
(the contract's ``compiled_function``: the same call without the per-call argument
checks, for arrays the caller has checked; the function itself where an engine has no
such entry). Later calls with a numpy array of exactly that dtype and trailing shape and
at most one batch of samples are one type check, two comparisons and the compiled call:
no re-standardizing, no data adapter, no callback list, no concatenation copy. Anything
else (lists, dicts, other dtypes or shapes, more samples than a batch, empty arrays,
callbacks, a progress bar) returns None and takes the full path, whose errors name what
was received and what was expected.
"""
import numpy as np

KEY = 'fast_predict'   # its place in Model._functions (dropped with them on compile)


class FastPredict(object):
    __slots__ = ('outputs', 'dtype', 'tail', 'call', 'single')

    def __init__(self, outputs, array, fn, n_outputs):
        self.outputs = outputs        # the model's output list it was compiled for
        self.dtype = array.dtype
        self.tail = array.shape[1:]
        self.call = getattr(fn, 'unchecked', fn)
        self.single = n_outputs == 1

    def __call__(self, x, outputs, limit):
        """The outputs for ``x``, or None when ``x`` needs the full path. ``outputs``:
        the model's current output list (a model changed since is not served);
        ``limit``: the most samples served at once (predict's batch size) or None."""
        if type(x) is not np.ndarray or x.dtype != self.dtype or x.shape[1:] != self.tail \
                or outputs is not self.outputs:
            return None
        n = x.shape[0] if x.ndim else 0
        if not n or (limit is not None and n > limit):
            return None
        outs = self.call(x)
        return outs[0] if self.single else outs


def remember(model, xs, fn):
    """Keep the fast path for the signature of ``xs`` (the model's standardized inputs)
    after ``fn`` served them through the full path."""
    if len(xs) == 1:
        outputs = model._model_outputs()
        model._functions[KEY] = FastPredict(outputs, xs[0], fn, len(outputs))
