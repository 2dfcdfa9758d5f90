"""``compile(target_tensors=...)`` (Keras 2.3.1): tensors that hold the targets, so that
``fit`` / ``evaluate`` / ``train_on_batch`` run with ``y=None``.

An entry is per model output (a list in output order, a dict by output name, or one
tensor for a one-output model): ``None`` or a symbolic placeholder (``K.placeholder``,
``Input``) means the target is fed as ``y`` as usual; a variable or a tensor with a value
(``K.variable``, ``K.constant``) gives the target array, read when the data is checked,
and split into batches with the inputs.
"""
import minikeras.backend as K


def per_output(target_tensors, names):
    """``target_tensors`` as a list with one entry (or None) per output name."""
    if target_tensors is None:
        return [None] * len(names)
    if isinstance(target_tensors, dict):
        unknown = [k for k in target_tensors if k not in names]
        if unknown:
            raise ValueError('Unknown entry in `target_tensors` dictionary: %r. Only expected '
                             'the following keys: %s' % (unknown[0], names))
        return [target_tensors.get(n) for n in names]
    if isinstance(target_tensors, (list, tuple)):
        if len(target_tensors) != len(names):
            raise ValueError('When passing a list as `target_tensors`, it should have one '
                             'entry per model output. The model has %d outputs, but you '
                             'passed target_tensors=%r' % (len(names), target_tensors))
        return list(target_tensors)
    if len(names) == 1:
        return [target_tensors]
    raise TypeError('Expected `target_tensors` to be a list or tuple or dict or a single '
                    'tensor, but got: %r' % (target_tensors,))


def _has_value(t):
    return t is not None and not K.is_keras_tensor(t) and K.is_tensor(t)


def check(target_tensors):
    """Refuse entries that are neither None, a placeholder nor an engine tensor."""
    entries = target_tensors.values() if isinstance(target_tensors, dict) else (
        target_tensors if isinstance(target_tensors, (list, tuple)) else [target_tensors])
    for t in entries:
        if t is not None and not K.is_keras_tensor(t) and not K.is_tensor(t):
            raise TypeError('compile: target_tensors entries must be tensors (a variable, a '
                            'constant or a placeholder) or None; received %r' % (t,))


def target_values(target_tensors, all_names, targeted):
    """The target arrays of the outputs at indices ``targeted`` (those with a loss) when
    ``y`` is None, or None when no entry holds values."""
    entries = [per_output(target_tensors, all_names)[i] for i in targeted]
    names = [all_names[i] for i in targeted]
    if not any(_has_value(t) for t in entries):
        return None
    missing = [n for n, t in zip(names, entries) if not _has_value(t)]
    if missing:
        raise ValueError('no target data given for output(s) %s: pass y, or a tensor with '
                         'values for each of them in compile(target_tensors=...)' % missing)
    return [K.get_value(t) if K.is_variable(t) else K.eval(t) for t in entries]
