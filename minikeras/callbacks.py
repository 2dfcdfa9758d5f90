"""Training callbacks (Keras 2 ``keras.callbacks``), engine-free.

The training loop builds its callback list with ``configure_callbacks`` and calls the
``CallbackList`` hooks. Batch logs carry ``'batch'``, ``'size'`` and the batch's mean
loss/metric values; ``BaseLogger`` turns them into sample-weighted epoch averages.
Models expose ``stop_training``, ``optimizer.lr``, ``get_weights``/``set_weights``,
``save(path)`` and ``save_weights(path)``.
"""
import collections
import collections.abc
import csv
import inspect
import io
import os
import warnings

import numpy as np

import minikeras.backend as K
from minikeras.utils.generic_utils import Progbar

_TRAIN, _TEST, _PREDICT = 'train', 'test', 'predict'


class Callback(object):
    """Base class. ``params`` (dict) and ``model`` are set by the training loop."""

    def __init__(self):
        self.validation_data = None
        self.model = None
        self.params = {}

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_batch_begin(self, batch, logs=None):
        """Alias of ``on_train_batch_begin`` (Keras 2 name)."""

    def on_batch_end(self, batch, logs=None):
        """Alias of ``on_train_batch_end`` (Keras 2 name)."""

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass


class CallbackList(object):
    """A list of callbacks called together."""

    def __init__(self, callbacks=None, queue_length=10):
        callbacks = callbacks or []
        for c in callbacks:
            if not isinstance(c, Callback):
                raise TypeError('callbacks must be minikeras.callbacks.Callback instances, '
                                'received %r' % (c,))
        self.callbacks = list(callbacks)
        self.queue_length = queue_length
        self.params = {}
        self.model = None

    def append(self, callback):
        self.callbacks.append(callback)

    def set_params(self, params):
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)

    def _call_batch_hook(self, mode, hook, batch, logs=None):
        logs = logs if logs is not None else {}
        name = 'on_%s_batch_%s' % (mode, hook)
        for callback in self.callbacks:
            getattr(callback, name)(batch, logs)

    def _call_begin_hook(self, mode):
        getattr(self, 'on_%s_begin' % mode)()

    def _call_end_hook(self, mode):
        getattr(self, 'on_%s_end' % mode)()

    def on_batch_begin(self, batch, logs=None):
        self._call_batch_hook(_TRAIN, 'begin', batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._call_batch_hook(_TRAIN, 'end', batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch_hook(_TRAIN, 'begin', batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch_hook(_TRAIN, 'end', batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch_hook(_TEST, 'begin', batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch_hook(_TEST, 'end', batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch_hook(_PREDICT, 'begin', batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch_hook(_PREDICT, 'end', batch, logs)

    def _call_all(self, name, logs):
        logs = logs if logs is not None else {}
        for callback in self.callbacks:
            getattr(callback, name)(logs)

    def on_train_begin(self, logs=None):
        self._call_all('on_train_begin', logs)

    def on_train_end(self, logs=None):
        self._call_all('on_train_end', logs)

    def on_test_begin(self, logs=None):
        self._call_all('on_test_begin', logs)

    def on_test_end(self, logs=None):
        self._call_all('on_test_end', logs)

    def on_predict_begin(self, logs=None):
        self._call_all('on_predict_begin', logs)

    def on_predict_end(self, logs=None):
        self._call_all('on_predict_end', logs)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self):
        return len(self.callbacks)


class BaseLogger(Callback):
    """Epoch averages of the batch logs, weighted by ``logs['size']``, written into the
    epoch logs for the names in ``params['metrics']`` (names in ``stateful_metrics`` keep
    their last batch value)."""

    def __init__(self, stateful_metrics=None):
        super(BaseLogger, self).__init__()
        self.stateful_metrics = set(stateful_metrics or [])

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        batch_size = logs.get('size', 0)
        num_steps = logs.get('num_steps', 1)
        self.seen += batch_size * num_steps
        for k, v in logs.items():
            if k in self.stateful_metrics:
                self.totals[k] = v
            elif k in self.totals:
                self.totals[k] += v * batch_size
            else:
                self.totals[k] = v * batch_size

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            for k in self.params.get('metrics', []):
                if k in self.totals:
                    if k in self.stateful_metrics:
                        logs[k] = self.totals[k]
                    elif self.seen:
                        logs[k] = self.totals[k] / self.seen


class TerminateOnNaN(Callback):
    """Stop training when a batch loss is NaN or infinite."""

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        loss = logs.get('loss')
        if loss is not None:
            if np.isnan(loss) or np.isinf(loss):
                print('Batch %d: Invalid loss, terminating training' % batch)
                self.model.stop_training = True


class ProgbarLogger(Callback):
    """Print the metrics to stdout with a ``Progbar`` (``count_mode``: 'samples' or
    'steps')."""

    def __init__(self, count_mode='samples', stateful_metrics=None):
        super(ProgbarLogger, self).__init__()
        if count_mode == 'samples':
            self.use_steps = False
        elif count_mode == 'steps':
            self.use_steps = True
        else:
            raise ValueError("Unknown count_mode %r: expected 'samples' or 'steps'"
                             % (count_mode,))
        self.stateful_metrics = set(stateful_metrics or [])
        self.target = None
        self.seen = 0
        self.log_values = []

    def on_train_begin(self, logs=None):
        self.verbose = self.params['verbose']
        self.epochs = self.params['epochs']

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            print('Epoch %d/%d' % (epoch + 1, self.epochs))
            if self.use_steps:
                self.target = self.params['steps']
            else:
                self.target = self.params['samples']
            self.progbar = Progbar(target=self.target, verbose=self.verbose,
                                   stateful_metrics=self.stateful_metrics)
        self.seen = 0
        self.log_values = []

    def on_batch_begin(self, batch, logs=None):
        if self.target is None or self.seen < self.target:
            self.log_values = []

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        batch_size = logs.get('size', 0)
        if self.use_steps:
            self.seen += 1
        else:
            self.seen += batch_size
        for k in self.params['metrics']:
            if k in logs:
                self.log_values.append((k, logs[k]))
        # the last batch is drawn by on_epoch_end, with the validation values
        if self.verbose and (self.target is None or self.seen < self.target):
            self.progbar.update(self.seen, self.log_values)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        for k in self.params['metrics']:
            if k in logs:
                self.log_values.append((k, logs[k]))
        if self.verbose:
            self.progbar.update(self.seen, self.log_values)


class History(Callback):
    """Records epoch logs: ``history.history[name]`` is a list of values per epoch,
    ``history.epoch`` the epoch indices."""

    def __init__(self):
        super(History, self).__init__()
        self.epoch = []
        self.history = {}

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epoch.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)


def _monitor_op(mode, monitor, who):
    if mode not in ('auto', 'min', 'max'):
        raise ValueError("%s: mode must be 'auto', 'min' or 'max', received %r"
                         % (who, mode))
    if mode == 'min':
        return np.less
    if mode == 'max':
        return np.greater
    if 'acc' in monitor or monitor.startswith('fmeasure'):
        return np.greater
    return np.less


class ModelCheckpoint(Callback):
    """Save the model (``model.save``) or its weights (``model.save_weights``) after
    every ``period`` epochs. ``filepath`` may hold ``{epoch:02d}`` and log names such as
    ``{val_loss:.2f}``. With ``save_best_only`` only when ``monitor`` improves."""

    def __init__(self, filepath, monitor='val_loss', verbose=0, save_best_only=False,
                 save_weights_only=False, mode='auto', period=1):
        super(ModelCheckpoint, self).__init__()
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = filepath
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        if isinstance(period, bool) or int(period) != period or period < 1:
            raise ValueError('ModelCheckpoint: period must be an int >= 1, received %r'
                             % (period,))
        self.period = int(period)
        self.epochs_since_last_save = 0
        self.monitor_op = _monitor_op(mode, monitor, 'ModelCheckpoint')
        self.best = np.inf if self.monitor_op == np.less else -np.inf

    def _save(self, filepath):
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epochs_since_last_save += 1
        if self.epochs_since_last_save < self.period:
            return
        self.epochs_since_last_save = 0
        try:
            filepath = self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as e:
            raise ValueError('ModelCheckpoint filepath %r names %s, which is not in the epoch '
                           'logs (available: epoch, %s)'
                           % (self.filepath, e, ', '.join(sorted(logs))))
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn('Can save best model only with %s available, skipping.'
                              % self.monitor, RuntimeWarning)
            elif self.monitor_op(current, self.best):
                if self.verbose > 0:
                    print('\nEpoch %05d: %s improved from %0.5f to %0.5f, saving model to %s'
                          % (epoch + 1, self.monitor, self.best, current, filepath))
                self.best = current
                self._save(filepath)
            elif self.verbose > 0:
                print('\nEpoch %05d: %s did not improve from %0.5f'
                      % (epoch + 1, self.monitor, self.best))
        else:
            if self.verbose > 0:
                print('\nEpoch %05d: saving model to %s' % (epoch + 1, filepath))
            self._save(filepath)


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved by more than ``min_delta`` for
    ``patience`` epochs; optionally restore the weights of the best epoch."""

    def __init__(self, monitor='val_loss', min_delta=0, patience=0, verbose=0, mode='auto',
                 baseline=None, restore_best_weights=False):
        super(EarlyStopping, self).__init__()
        self.monitor = monitor
        self.baseline = baseline
        self.patience = patience
        self.verbose = verbose
        self.min_delta = abs(min_delta)
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.monitor_op = _monitor_op(mode, monitor, 'EarlyStopping')
        if self.monitor_op == np.less:
            self.min_delta *= -1

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        if self.baseline is not None:
            self.best = self.baseline
        else:
            self.best = np.inf if self.monitor_op == np.less else -np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs or {})
        if current is None:
            return
        if self.monitor_op(current - self.min_delta, self.best):
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                if self.restore_best_weights and self.best_weights is not None:
                    if self.verbose > 0:
                        print('Restoring model weights from the end of the best epoch')
                    self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print('Epoch %05d: early stopping' % (self.stopped_epoch + 1))

    def get_monitor_value(self, logs):
        monitor_value = logs.get(self.monitor)
        if monitor_value is None:
            warnings.warn('Early stopping conditioned on metric `%s` which is not available. '
                          'Available metrics are: %s'
                          % (self.monitor, ','.join(list(logs.keys()))), RuntimeWarning)
        return monitor_value


def _current_lr(model, who):
    optimizer = getattr(model, 'optimizer', None)
    if optimizer is None or not hasattr(optimizer, 'lr'):
        raise ValueError('%s needs a model whose optimizer has an "lr" variable; received '
                         'model %r with optimizer %r' % (who, model, optimizer))
    return float(K.get_value(optimizer.lr))


def _set_lr(model, value):
    K.set_value(model.optimizer.lr, np.asarray(value, dtype=K.floatx()))


def _schedule_arity(schedule):
    """How many positional arguments ``schedule`` takes (1: epoch, 2: epoch and lr)."""
    try:
        params = inspect.signature(schedule).parameters.values()
    except (TypeError, ValueError):
        return 1
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY,
                                                  p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind == p.VAR_POSITIONAL for p in params) or len(positional) >= 2:
        return 2
    return 1


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of every epoch to ``schedule(epoch)`` or
    ``schedule(epoch, lr)`` (epoch counted from 0)."""

    def __init__(self, schedule, verbose=0):
        super(LearningRateScheduler, self).__init__()
        if not callable(schedule):
            raise TypeError('LearningRateScheduler: schedule must be callable, received %r'
                            % (schedule,))
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = _current_lr(self.model, 'LearningRateScheduler')
        if _schedule_arity(self.schedule) == 2:
            lr = self.schedule(epoch, lr)
        else:
            lr = self.schedule(epoch)
        if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating, np.integer)):
            raise ValueError('The output of the "schedule" function should be a float, '
                             'received %r' % (lr,))
        _set_lr(self.model, float(lr))
        if self.verbose > 0:
            print('\nEpoch %05d: LearningRateScheduler setting learning rate to %s.'
                  % (epoch + 1, lr))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs['lr'] = K.get_value(self.model.optimizer.lr)


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved (by
    ``min_delta``) for ``patience`` epochs; wait ``cooldown`` epochs after a reduction;
    never go below ``min_lr``."""

    def __init__(self, monitor='val_loss', factor=0.1, patience=10, verbose=0, mode='auto',
                 min_delta=1e-4, cooldown=0, min_lr=0, **kwargs):
        super(ReduceLROnPlateau, self).__init__()
        if 'epsilon' in kwargs:
            min_delta = kwargs.pop('epsilon')
            warnings.warn('`epsilon` argument is deprecated and will be removed, use '
                          '`min_delta` instead.')
        if kwargs:
            raise TypeError('ReduceLROnPlateau got unexpected arguments: %s'
                            % ', '.join(sorted(kwargs)))
        self.monitor = monitor
        if factor >= 1.0:
            raise ValueError('ReduceLROnPlateau does not support a factor >= 1.0, received %r'
                             % (factor,))
        if mode not in ('auto', 'min', 'max'):
            raise ValueError("ReduceLROnPlateau: mode must be 'auto', 'min' or 'max', "
                             "received %r" % (mode,))
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self.best = 0
        self.mode = mode
        self.monitor_op = None
        self._reset()

    def _reset(self):
        if self.mode == 'min' or (self.mode == 'auto' and 'acc' not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs['lr'] = K.get_value(self.model.optimizer.lr)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn('Reduce LR on plateau conditioned on metric `%s` which is not '
                          'available. Available metrics are: %s'
                          % (self.monitor, ','.join(list(logs.keys()))), RuntimeWarning)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = _current_lr(self.model, 'ReduceLROnPlateau')
                if old_lr > self.min_lr:
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    _set_lr(self.model, new_lr)
                    if self.verbose > 0:
                        print('\nEpoch %05d: ReduceLROnPlateau reducing learning rate to %s.'
                              % (epoch + 1, new_lr))
                    self.cooldown_counter = self.cooldown
                    self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0


class CSVLogger(Callback):
    """Write the epoch logs to a CSV file: a header ``epoch,<sorted log names>`` then one
    row per epoch. ``append=True`` continues an existing file (no second header)."""

    def __init__(self, filename, separator=',', append=False):
        super(CSVLogger, self).__init__()
        self.sep = separator
        self.filename = filename
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, 'r') as f:
                    self.append_header = not bool(len(f.readline()))
            mode = 'a'
        else:
            mode = 'w'
        self.csv_file = io.open(self.filename, mode, newline='')
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}

        def handle_value(k):
            is_zero_dim_ndarray = isinstance(k, np.ndarray) and k.ndim == 0
            if isinstance(k, str):
                return k
            if isinstance(k, collections.abc.Iterable) and not is_zero_dim_ndarray:
                return '"[%s]"' % (', '.join(map(str, k)))
            return k

        if self.keys is None:
            self.keys = sorted(logs.keys())
        if getattr(self.model, 'stop_training', False):
            # NA so that csv parsers do not fail for this last epoch
            logs = dict((k, logs[k]) if k in logs else (k, 'NA') for k in self.keys)
        if not self.writer:
            class CustomDialect(csv.excel):
                delimiter = self.sep
            self.writer = csv.DictWriter(self.csv_file, fieldnames=['epoch'] + self.keys,
                                         dialect=CustomDialect)
            if self.append_header:
                self.writer.writeheader()
        row_dict = collections.OrderedDict({'epoch': epoch})
        row_dict.update((key, handle_value(logs.get(key, 'NA'))) for key in self.keys)
        self.writer.writerow(row_dict)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.csv_file = None
        self.writer = None


class LambdaCallback(Callback):
    """A callback from plain functions: ``on_epoch_begin(epoch, logs)``,
    ``on_epoch_end(epoch, logs)``, ``on_batch_begin(batch, logs)``,
    ``on_batch_end(batch, logs)``, ``on_train_begin(logs)``, ``on_train_end(logs)``."""

    HOOKS = ('on_epoch_begin', 'on_epoch_end', 'on_batch_begin', 'on_batch_end',
             'on_train_begin', 'on_train_end')

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super(LambdaCallback, self).__init__()
        self.__dict__.update(kwargs)
        given = {'on_epoch_begin': on_epoch_begin, 'on_epoch_end': on_epoch_end,
                 'on_batch_begin': on_batch_begin, 'on_batch_end': on_batch_end,
                 'on_train_begin': on_train_begin, 'on_train_end': on_train_end}
        for name, fn in given.items():
            if fn is not None:
                setattr(self, name, fn)
            elif name in ('on_epoch_begin', 'on_epoch_end', 'on_batch_begin',
                          'on_batch_end'):
                setattr(self, name, lambda i, logs: None)
            else:
                setattr(self, name, lambda logs: None)


def configure_callbacks(callbacks, model, epochs, steps, samples, batch_size, verbose,
                        do_validation, metrics_names, count_mode='samples',
                        stateful_metrics=None):
    """The training loop's ``CallbackList``: ``[BaseLogger, ProgbarLogger (if verbose),
    *callbacks, model.history]`` with a fresh ``History`` set as ``model.history``,
    ``set_model(model)`` and Keras 2's ``params`` dict. ``params['metrics']`` is
    ``metrics_names`` plus ``'val_' + name`` for each when ``do_validation`` (names
    already starting with ``val_`` are not doubled). Also sets
    ``model.stop_training = False``. Does not call ``on_train_begin``."""
    callbacks = list(callbacks or [])
    for c in callbacks:
        if not isinstance(c, Callback):
            raise TypeError('callbacks must be minikeras.callbacks.Callback instances, '
                            'received %r' % (c,))
    metrics_names = list(metrics_names or [])
    if stateful_metrics is None:   # Keras 2.3: running metric values are not re-averaged
        stateful_metrics = list(getattr(model, 'stateful_metric_names', []) or [])
        stateful_metrics += ['val_' + name for name in stateful_metrics]
    callback_metrics = list(metrics_names)
    if do_validation:
        for name in metrics_names:
            val_name = 'val_' + name
            if not name.startswith('val_') and val_name not in callback_metrics:
                callback_metrics.append(val_name)
    model.history = History()
    _callbacks = [BaseLogger(stateful_metrics=stateful_metrics)]
    if verbose:
        _callbacks.append(ProgbarLogger(count_mode, stateful_metrics=stateful_metrics))
    _callbacks += callbacks + [model.history]
    callback_list = CallbackList(_callbacks)
    callback_list.set_model(model)
    callback_list.set_params({
        'batch_size': batch_size,
        'epochs': epochs,
        'steps': steps,
        'samples': samples,
        'verbose': verbose,
        'do_validation': do_validation,
        'metrics': callback_metrics,
    })
    model.stop_training = False
    return callback_list


__all__ = ['Callback', 'CallbackList', 'BaseLogger', 'TerminateOnNaN', 'ProgbarLogger',
           'History', 'ModelCheckpoint', 'EarlyStopping', 'LearningRateScheduler',
           'ReduceLROnPlateau', 'CSVLogger', 'LambdaCallback', 'configure_callbacks']


from minikeras.callbacks_remote import RemoteMonitor  # noqa: E402
from minikeras.callbacks_tensorboard import TensorBoard  # noqa: E402

__all__ += ['RemoteMonitor', 'TensorBoard']
