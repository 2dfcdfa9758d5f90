"""Training from Python generators and ``Sequence`` objects (Keras 2 *_generator)."""
import inspect

import numpy as np

from minikeras.utils import nest


def is_generator_like(x):
    from minikeras.utils.data_utils import Sequence
    return isinstance(x, Sequence) or inspect.isgenerator(x) or \
        (hasattr(x, '__next__') and not isinstance(x, (np.ndarray, list, tuple, dict)))


def _batches(generator):
    """An endless iterator over the generator's batches (a Sequence is cycled)."""
    from minikeras.utils.data_utils import Sequence
    if isinstance(generator, Sequence):
        def cycle():
            while True:
                for i in range(len(generator)):
                    yield generator[i]
                generator.on_epoch_end()
        return cycle()
    return generator


def _steps(generator, steps, what):
    from minikeras.utils.data_utils import Sequence
    if steps is not None:
        return int(steps)
    if isinstance(generator, Sequence):
        return len(generator)
    raise ValueError('%s: steps must be given when the data is a Python generator' % what)


def _split(batch, what):
    if not isinstance(batch, tuple) or len(batch) not in (2, 3):
        if what == 'predict' and not isinstance(batch, tuple):
            return batch, None, None
        if what == 'predict' and isinstance(batch, tuple) and len(batch) in (1, 2, 3):
            return batch[0], None, None
        raise ValueError('a generator for %s must yield (x, y) or (x, y, sample_weight) '
                         'tuples; received %s' % (what, type(batch).__name__))
    return batch[0], batch[1], (batch[2] if len(batch) == 3 else None)


def fit_generator(model, generator, steps_per_epoch, epochs, verbose, callbacks,
                  validation_data, validation_steps, validation_freq, class_weight, shuffle,
                  initial_epoch):
    from minikeras import callbacks as cbks
    from minikeras.models.training import _should_validate
    steps = _steps(generator, steps_per_epoch, 'fit_generator')
    batches = _batches(generator)
    val_is_gen = validation_data is not None and is_generator_like(validation_data)
    model.stop_training = False
    first = next(batches)
    x0, _, _ = _split(first, 'fit')
    model._ensure_built(x0)
    model._check_compiled('training it')
    names = list(model.metrics_names)
    labels = names + (['val_' + m for m in names] if validation_data is not None else [])
    cb = cbks.configure_callbacks(callbacks, model, epochs=epochs, steps=steps, samples=None,
                                  batch_size=None, verbose=verbose,
                                  do_validation=validation_data is not None,
                                  metrics_names=labels, count_mode='steps')
    cb.on_train_begin()
    pending = [first]
    for epoch in range(initial_epoch, epochs):
        cb.on_epoch_begin(epoch)
        model.reset_metrics()
        epoch_logs = {}
        for step in range(steps):
            batch = pending.pop() if pending else next(batches)
            x, y, sw = _split(batch, 'fit')
            logs = {'batch': step, 'size': len(nest.flatten(x)[0]) if not isinstance(x, dict)
                    else len(list(x.values())[0])}
            cb.on_batch_begin(step, logs)
            outs = nest.to_list(model.train_on_batch(x, y, sample_weight=sw,
                                                     class_weight=class_weight,
                                                     reset_metrics=False))
            for name, value in zip(names, outs):
                logs[name] = value
            cb.on_batch_end(step, logs)
            if model.stop_training:
                break
        if validation_data is not None and _should_validate(epoch, validation_freq):
            if val_is_gen:
                val_outs = evaluate_generator(model, validation_data, validation_steps, 0,
                                              callbacks=cb)
            else:
                vx, vy, vsw = model._validation_arrays(validation_data)
                val_outs = model._test_loop(vx + vy + vsw, 32, callbacks=cb)
            for name, value in zip(names, nest.to_list(val_outs)):
                epoch_logs['val_' + name] = value
        cb.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    cb.on_train_end()
    return model.history


def evaluate_generator(model, generator, steps, verbose, callbacks=None):
    steps = _steps(generator, steps, 'evaluate_generator')
    batches = _batches(generator)
    totals, count = None, 0
    model.reset_metrics()
    hooks = model._hook_list(callbacks, None, None, verbose)
    hooks.on_test_begin()
    for step in range(steps):
        x, y, sw = _split(next(batches), 'evaluate')
        n = len(nest.flatten(x)[0]) if not isinstance(x, dict) else len(list(x.values())[0])
        hooks.on_test_batch_begin(step, {'batch': step, 'size': n})
        outs = np.asarray(nest.to_list(model.test_on_batch(x, y, sample_weight=sw,
                                                           reset_metrics=False)))
        hooks.on_test_batch_end(step, dict([('batch', step), ('size', n)] + [
            (name, float(o)) for name, o in zip(model.metrics_names, outs)]))
        totals = outs * n if totals is None else totals + outs * n
        count += n
    hooks.on_test_end()
    result = model._epoch_values([float(t) / count for t in totals], outs)
    return result[0] if len(result) == 1 else result


def predict_generator(model, generator, steps, verbose, callbacks=None):
    steps = _steps(generator, steps, 'predict_generator')
    batches = _batches(generator)
    chunks = None
    hooks = model._hook_list(callbacks, None, None, verbose)
    hooks.on_predict_begin()
    for step in range(steps):
        x, _, _ = _split(next(batches), 'predict')
        hooks.on_predict_batch_begin(step, {'batch': step})
        outs = nest.to_list(model.predict_on_batch(x))
        if chunks is None:
            chunks = [[] for _ in outs]
        for c, o in zip(chunks, outs):
            c.append(o)
        hooks.on_predict_batch_end(step, {'batch': step, 'size': len(outs[0]),
                                          'outputs': outs})
    hooks.on_predict_end()
    result = [np.concatenate(c) for c in chunks]
    return result[0] if len(result) == 1 else result
