"""Model: compile / fit / evaluate / predict on top of Network, for every engine.

Each mode (train, test, predict) is one function written with contract ops and compiled
once by ``K.compiled_function``; the loops here are engine-free Python that call it once
per batch."""
import numpy as np

import minikeras.backend as K
from minikeras import losses as losses_module
from minikeras import metrics as metrics_module
from minikeras import optimizers
from minikeras.metric_classes import Mean, MeanMetricWrapper, Metric
from minikeras.layers.base import active_context, call_context
from minikeras.models import data as data_utils
from minikeras.models import data_adapters
from minikeras.models import distributed
from minikeras.models import fast_predict
from minikeras.models import input_checks
from minikeras.models import persistence
from minikeras.models import target_tensors as target_tensors_module
from minikeras.models.training_extras import TrainingExtras
from minikeras.models.network import Network
from minikeras.utils import nest
from minikeras.utils.generic_utils import ArgumentTypeError


class Model(TrainingExtras, Network):
    """A Network that can be compiled and trained (Keras 2 ``keras.models.Model``)."""

    def __init__(self, *args, **kwargs):
        super(Model, self).__init__(*args, **kwargs)
        self.optimizer = None
        self.stop_training = False
        self._compiled = False
        self._functions = {}
        self.history = None

    # --- compile -----------------------------------------------------------------------
    def compile(self, optimizer, loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None,
                **kwargs):
        if kwargs:
            raise TypeError('compile: unexpected arguments %s' % ', '.join(sorted(kwargs)))
        target_tensors_module.check(target_tensors)
        self._target_tensors = target_tensors
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self.loss_weights = loss_weights
        self._metrics_arg = metrics
        self._weighted_metrics_arg = weighted_metrics
        self.sample_weight_mode = sample_weight_mode
        self._functions = {}
        self._compiled = True
        if self.built and self._output_count() is not None:
            self._prepare_outputs()

    def _output_count(self):
        if self._is_graph_network:
            return len(self.outputs)
        outs = getattr(self, '_symbolic_outputs', None)
        return len(outs) if outs is not None else None

    def _model_outputs(self):
        return self.outputs if self._is_graph_network else self._symbolic_outputs

    def _model_inputs(self):
        return self.inputs if self._is_graph_network else self._symbolic_inputs

    def _out_names(self):
        if self._is_graph_network:
            return self.output_names
        n = len(self._symbolic_outputs)
        return ['output_%d' % (i + 1) for i in range(n)]

    def _in_names(self):
        if self._is_graph_network:
            return self.input_names
        return ['input_%d' % (i + 1) for i in range(len(self._symbolic_inputs))]

    def _per_output(self, value, what, default):
        names = self._out_names()
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(names))
            if unknown:
                raise ValueError('%s: unknown output name(s) %s; the outputs are %s'
                                 % (what, unknown, names))
            return [value.get(n, default) for n in names]
        if isinstance(value, (list, tuple)) and what != 'metrics':
            if len(value) != len(names):
                raise ValueError('%s: the model has %d outputs but received a list of %d'
                                 % (what, len(names), len(value)))
            return list(value)
        return [value] * len(names)

    def _prepare_outputs(self):
        names = self._out_names()
        self._loss_fns = [losses_module.per_sample(l) if l is not None else None
                          for l in self._per_output(self.loss, "loss", None)]
        self._set_targets(names)   # outputs without a loss take no target data (Keras 2.3.1)
        weights = self.loss_weights
        self._loss_weights = [1.] * len(names) if weights is None else \
            [float(w) for w in self._per_output(weights, 'loss_weights', 1.)]
        per_out = self._per_output_metric_lists(self._metrics_arg, names)
        self._metric_fns = []   # (output index, name, fn)
        for i, mlist in enumerate(per_out):
            if i not in self._target_index:
                continue
            for m in nest.to_list(mlist):
                name, fn = self._resolve_metric(m, i)
                if not isinstance(fn, Metric):   # Keras 2.3.1: every metric is a running
                    fn = MeanMetricWrapper(fn, name=name)   # mean over the epoch
                self._metric_fns.append((i, name, fn))
        self._add_weighted_metrics(names)
        multi = len(names) > 1
        self.metrics_names = ['loss']
        # Keras 2.3.1: each output's loss is reported as its running mean over the epoch
        self._output_loss_metrics = [Mean(name='%s_loss' % names[i])
                                     for i in self._target_index] if multi else []
        if multi:
            self.metrics_names += ['%s_loss' % names[i] for i in self._target_index]
        for i, name, _ in self._metric_fns:
            self.metrics_names.append('%s_%s' % (names[i], name) if multi else name)
        self._prepare_added_metrics()

    def _resolve_metric(self, metric, i):
        if metric in ('accuracy', 'acc'):
            loss_fn = self._loss_fns[i]
            shape = self._model_outputs()[i].shape
            lname = getattr(loss_fn, '__name__', '')
            if lname in ('binary_crossentropy',) or shape[-1] == 1:
                return metric, metrics_module.binary_accuracy
            if 'sparse_categorical' in lname:
                return metric, metrics_module.sparse_categorical_accuracy
            return metric, metrics_module.categorical_accuracy
        fn = metrics_module.get(metric)
        name = metric if isinstance(metric, str) else getattr(fn, 'name', None) or \
            getattr(fn, '__name__', type(fn).__name__)
        return name, fn

    # --- the steps, written once with contract ops ------------------------------------------
    def _forward(self, xs, training, with_masks=False):
        """Outputs (and output masks, for losses) as engine tensors, plus the call context
        with the losses and updates layers produced."""
        with K.learning_phase_scope(1 if training else 0), call_context() as ctx:
            if self._is_graph_network:
                result = self._run_graph(list(xs), with_masks=with_masks)
            else:
                result = nest.to_list(self.call(nest.unpack_singleton(list(xs))))
                if with_masks:
                    result = (result, [None] * len(result))
        if with_masks:
            return result[0], result[1], ctx
        return nest.to_list(result), ctx

    def outputs_for(self, tensors, training=False):
        """The model's outputs (a list of engine tensors) for engine ``tensors``, one per
        input, in the given learning phase. For use inside ``K.compiled_function``:
        ``minikeras.export`` builds its serving function with it. Losses and updates the
        layers produce are dropped."""
        outputs, _ = self._forward(tensors, training=training)
        return outputs

    def _loss_and_metrics(self, ys, outputs, sws, ctx, masks=None):
        total, per_output_losses, metric_values = None, [], []
        masks = masks or [None] * len(outputs)
        for i, y, sw in zip(self._target_index, ys, sws):
            out = outputs[i]
            score = self._loss_fns[i](y, out)
            if masks[i] is not None:      # Keras 2: masked steps do not count
                mask = K.cast(masks[i], K.floatx())
                score = score * mask / (K.mean(mask) + K.epsilon())
            if K.ndim(score) > 1:
                score = K.mean(score, axis=list(range(1, K.ndim(score))))
            if sw is None:            # no weights given: the mean, as weighting by ones
                value = K.mean(score)
            else:
                score = score * sw
                nonzero = K.mean(K.cast(K.not_equal(sw, 0), K.floatx()))
                value = K.mean(score) / K.maximum(nonzero, K.epsilon())
            per_output_losses.append(value)
            term = value * self._loss_weights[i] if self._loss_weights[i] != 1. else value
            total = term if total is None else total + term
        for extra in self.regularization_losses() + list(ctx.losses):
            total = extra if total is None else total + extra
        if total is None:
            raise ValueError('model %s has no loss to optimize: compile it with a loss for '
                             'at least one output, or add one with add_loss' % self.name)
        targets = dict((i, j) for j, i in enumerate(self._target_index))
        with active_context(ctx):     # stateful metrics record their updates in ctx
            if len(outputs) > 1:
                per_output_losses = [m(v) for m, v in
                                     zip(self._output_loss_metrics, per_output_losses)]
            for i, _, fn in self._metric_fns:
                sw = sws[targets[i]]
                kwargs = {'sample_weight': sw} if id(fn) in self._weighted and sw is not None \
                    else {}
                metric_values.append(K.mean(fn(ys[targets[i]], outputs[i], **kwargs)))
            metric_values.extend(self._added_metric_values(ctx))
        extra = per_output_losses if len(outputs) > 1 else []
        return total, extra + metric_values

    def _train_step(self, n_in, n_out):
        params = self._trainable_weights_for_training()
        self.optimizer.build(params)

        def step(*tensors):
            xs, ys, sws = tensors[:n_in], tensors[n_in:n_in + n_out], tensors[n_in + n_out:]
            outputs, masks, ctx = self._forward(xs, training=True, with_masks=True)
            total, values = self._loss_and_metrics(ys, outputs, sws, ctx, masks)
            updates = self.optimizer.get_updates(total, params)
            return [total] + values, list(updates) + ctx.updates + ctx.state_updates
        return step

    def _test_step(self, n_in, n_out):
        def step(*tensors):
            xs, ys, sws = tensors[:n_in], tensors[n_in:n_in + n_out], tensors[n_in + n_out:]
            outputs, masks, ctx = self._forward(xs, training=False, with_masks=True)
            total, values = self._loss_and_metrics(ys, outputs, sws, ctx, masks)
            return [total] + values, list(ctx.state_updates)
        return step

    def _predict_step(self, n_in):
        def step(*tensors):
            outputs, ctx = self._forward(tensors, training=False)
            return outputs, list(ctx.state_updates)
        return step

    def _function(self, mode, arrays):
        """The compiled function for ``mode`` and these arrays' trailing shapes/dtypes.
        Sample weights that are ``UnitWeights`` (none given) are not inputs of the
        compiled function (the step sees None for them): the returned callable takes all
        arrays and passes the rest."""
        specs = [((None,) + tuple(a.shape[1:]), str(a.dtype)) for a in arrays]
        n_in = len(self._model_inputs())
        n_out = len(getattr(self, '_target_index', ()))
        unit = ()       # positions among the sample weights (after inputs and targets)
        if mode in ('train', 'test'):
            unit = tuple(j for j, a in enumerate(arrays[n_in + n_out:])
                         if isinstance(a, data_utils.UnitWeights))
        key = (mode, tuple((s, d) for s, d in specs), unit)
        fn = self._functions.get(key)
        if fn is None:
            if mode == 'train':
                step = self._train_step(n_in, n_out)
            elif mode == 'test':
                step = self._test_step(n_in, n_out)
            else:
                step = self._predict_step(n_in)
            dropped = set(n_in + n_out + j for j in unit)
            kept = [i for i in range(len(specs)) if i not in dropped]
            if dropped:
                step = _with_none_at(step, kept, len(specs))
            fn = K.compiled_function(step, [specs[i] for i in kept],
                                     name='%s_%s' % (self.name, mode))
            if dropped:
                fn = _Passing(fn, kept)
            self._functions[key] = fn
        return fn

    # --- data --------------------------------------------------------------------------
    def _ensure_built(self, x):
        if self.built and (self._is_graph_network or hasattr(self, '_symbolic_outputs')):
            return
        arrays = [np.asarray(a) for a in (x.values() if isinstance(x, dict) else nest.to_list(x))]
        shapes = [(None,) + a.shape[1:] for a in arrays]
        self.built = False
        self.build(shapes if len(shapes) > 1 else shapes[0])
        if self._compiled:
            self._prepare_outputs()

    def _check_compiled(self, what):
        if not self._compiled:
            raise RuntimeError('you must compile the model before %s: call '
                               'model.compile(optimizer, loss)' % what)
        if not hasattr(self, '_loss_fns'):
            self._prepare_outputs()

    def _inputs(self, x):
        ins = self._model_inputs()
        arrays = data_utils.standardize_arrays(x, self._in_names(), [t.shape for t in ins],
                                               'input')
        input_checks.check_inputs(arrays, self._in_names())
        return [a.astype(t.dtype, copy=False) for a, t in zip(arrays, ins)]

    def _targets(self, y):
        names = [self._out_names()[i] for i in self._target_index]
        if not names and y is None:
            return []
        if y is None and getattr(self, '_target_tensors', None) is not None:
            y = target_tensors_module.target_values(self._target_tensors, self._out_names(),
                                                   self._target_index)
        if y is None:
            raise ValueError('no target data given: pass y (one array per output: %s)'
                             % ', '.join(names))
        arrays = data_utils.standardize_arrays(y, names, [None] * len(names), 'target',
                                               check_shapes=False)
        return [np.asarray(a, dtype=K.floatx()).reshape((len(a), 1)) if np.ndim(a) == 1
                else np.asarray(a, dtype=K.floatx()) for a in arrays]

    def _standardize(self, x, y, sample_weight=None, class_weight=None,
                     purpose='training or evaluating it'):
        self._ensure_built(x)
        self._check_compiled(purpose)
        xs = self._inputs(x)
        ys = self._targets(y)
        targeted = self._target_index     # outputs that have a loss (and so a target)
        out_names, outputs = self._out_names(), self._model_outputs()
        input_checks.check_targets(ys, [out_names[i] for i in targeted],
                                   [outputs[i].shape for i in targeted],
                                   [self._loss_fns[i] for i in targeted])
        sw_list = self._per_output(sample_weight, 'sample_weight', None) \
            if isinstance(sample_weight, (dict, list)) else [sample_weight] * len(ys)
        cw_list = self._per_output(class_weight, 'class_weight', None) \
            if isinstance(class_weight, dict) and set(class_weight) <= set(self._out_names()) \
            and class_weight else [class_weight] * len(ys)
        if len(sw_list) != len(ys):    # outputs without a loss take no weights either
            sw_list = [sw_list[i] for i in self._target_index]
        if len(cw_list) != len(ys):
            cw_list = [cw_list[i] for i in self._target_index]
        data_utils.check_lengths(xs, ys, sw_list)
        sws = [data_utils.sample_weights(t, s, c) for t, s, c in zip(ys, sw_list, cw_list)]
        return xs, ys, sws

    # --- fit / evaluate / predict: data adapters -> one epoch loop ----------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0., validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_freq=1, max_queue_size=10, workers=1, use_multiprocessing=False,
            **kwargs):
        if 'nb_epoch' in kwargs:      # Keras 1 name, still accepted by Keras 2
            import warnings
            warnings.warn('The `nb_epoch` argument in `fit` has been renamed `epochs`.',
                          stacklevel=2)
            epochs = kwargs.pop('nb_epoch')
        if kwargs:
            raise TypeError('fit: unexpected arguments %s' % ', '.join(sorted(kwargs)))
        if data_adapters.is_generator_like(x):
            return self.fit_generator(
                x, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                callbacks=callbacks, validation_data=validation_data,
                validation_steps=validation_steps, validation_freq=validation_freq,
                class_weight=class_weight, shuffle=shuffle, initial_epoch=initial_epoch,
                max_queue_size=max_queue_size, workers=workers,
                use_multiprocessing=use_multiprocessing)
        batch_size = _batch_size(batch_size)
        xs, ys, sws = self._standardize(x, y, sample_weight, class_weight)
        val = None
        if validation_data is not None:
            val = self._validation(validation_data, None, batch_size, generators=False)
        elif validation_split and 0. < validation_split < 1.:
            split_at = int(len(xs[0]) * (1. - validation_split))
            val_ins = [a[split_at:] for a in xs + ys + sws]
            xs, ys, sws = ([a[:split_at] for a in xs], [a[:split_at] for a in ys],
                           [a[:split_at] for a in sws])
            val = data_adapters.Validation(
                lambda: data_adapters.ArrayAdapter(val_ins, batch_size), val_ins)
        dist = distributed.session_for(self)
        if dist is None:
            data = data_adapters.ArrayAdapter(xs + ys + sws, batch_size, shuffle)
        else:
            data = dist.arrays(xs + ys + sws, batch_size, shuffle)
        return self._fit_epochs(data, epochs, verbose, callbacks, val, initial_epoch,
                                validation_freq, dist)

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      validation_freq=1, class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0):
        def prepare(x, y, sample_weight):
            xs, ys, sws = self._standardize(x, y, sample_weight, class_weight, 'training it')
            return xs + ys + sws
        dist = distributed.session_for(self)
        if dist is None:
            data = data_adapters.GeneratorAdapter(generator, steps_per_epoch, 'fit', prepare,
                                                  workers, use_multiprocessing,
                                                  max_queue_size, shuffle)
        else:   # every worker reads the same batches and keeps its own share
            data = dist.generator(generator, steps_per_epoch, prepare)
        data.first()  # builds the model from the first batch, before the validation data
        val = None
        if validation_data is not None:
            val = self._validation(validation_data, validation_steps, 32)
        return self._fit_epochs(data, epochs, verbose, callbacks, val, initial_epoch,
                                validation_freq, dist)

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, callbacks=None, max_queue_size=10, workers=1,
                 use_multiprocessing=False):
        if data_adapters.is_generator_like(x):
            return self.evaluate_generator(x, steps=steps, verbose=verbose,
                                           callbacks=callbacks, max_queue_size=max_queue_size,
                                           workers=workers,
                                           use_multiprocessing=use_multiprocessing)
        xs, ys, sws = self._standardize(x, y, sample_weight)
        data = data_adapters.ArrayAdapter(xs + ys + sws, _batch_size(batch_size))
        return nest.unpack_singleton(self._evaluate_epoch(data, verbose, callbacks))

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0):
        data = data_adapters.GeneratorAdapter(generator, steps, 'evaluate', self._test_arrays,
                                              workers, use_multiprocessing, max_queue_size)
        return nest.unpack_singleton(self._evaluate_epoch(data, 0, callbacks))

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None,
                max_queue_size=10, workers=1, use_multiprocessing=False):
        fast = self._functions.get(fast_predict.KEY)
        if fast is not None and type(x) is np.ndarray and not callbacks and verbose != 1 \
                and steps is None:
            outs = fast(x, self._model_outputs(), _batch_size(batch_size))
            if outs is not None:
                return outs
        if data_adapters.is_generator_like(x):
            return self.predict_generator(x, steps=steps, verbose=verbose,
                                          callbacks=callbacks, max_queue_size=max_queue_size,
                                          workers=workers,
                                          use_multiprocessing=use_multiprocessing)
        data = data_adapters.ArrayAdapter(self._predict_arrays(x), _batch_size(batch_size))
        return self._predict_epoch(data, verbose, callbacks)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                          workers=1, use_multiprocessing=False, verbose=0):
        def prepare(x, y, sample_weight):
            return self._predict_arrays(x)
        data = data_adapters.GeneratorAdapter(generator, steps, 'predict', prepare,
                                              workers, use_multiprocessing, max_queue_size)
        return self._predict_epoch(data, 0, callbacks)

    def _test_arrays(self, x, y, sample_weight):
        xs, ys, sws = self._standardize(x, y, sample_weight)
        return xs + ys + sws

    def _predict_arrays(self, x):
        self._ensure_built(x)
        return self._inputs(x)

    def _validation(self, validation_data, steps, batch_size, generators=True):
        """The ``Validation`` of fit's ``validation_data``: a generator or Sequence, or a
        tuple (x, y) or (x, y, sample_weight). (As in Keras 2, fit takes a generator here
        only when its training data is one too.)"""
        if generators and data_adapters.is_generator_like(validation_data):
            return data_adapters.Validation(lambda: data_adapters.GeneratorAdapter(
                validation_data, steps, 'evaluate', self._test_arrays))
        if len(validation_data) not in (2, 3):
            raise ValueError('validation_data must be (x, y) or (x, y, sample_weight); '
                             'received a tuple of %d' % len(validation_data))
        ins = self._test_arrays(*(tuple(validation_data) + (None,))[:3])
        return data_adapters.Validation(lambda: data_adapters.ArrayAdapter(ins, batch_size),
                                        ins)

    def _fit_epochs(self, data, epochs, verbose, callbacks, val, initial_epoch,
                    validation_freq, dist=None):
        """The one training loop: ``data`` an adapter, ``val`` None or a ``Validation``;
        ``dist`` the ``DistributedFit`` when several workers train (None: one process)."""
        from minikeras import callbacks as cbks
        function = self._function if dist is None else dist.function
        function('train', data.first())
        if val is not None and val.ins is not None:
            self._function('test', val.ins)
        if dist is not None:      # output (progress bar, files) on the chief only
            verbose, callbacks = dist.begin(verbose, callbacks)
        self.stop_training = False
        names = list(self.metrics_names)
        out_labels = names + (['val_' + m for m in names] if val is not None else [])
        cb = cbks.configure_callbacks(callbacks, self, epochs=epochs, verbose=verbose,
                                      do_validation=val is not None,
                                      metrics_names=out_labels, **data.callback_params())
        cb.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            cb.on_epoch_begin(epoch)
            self.reset_metrics()      # stateful metrics run over one epoch (Keras 2.3)
            epoch_logs = {}
            for b, ins in enumerate(data.epoch() if dist is None else data.epoch(epoch)):
                logs = {'batch': b, 'size': len(ins[0])}
                cb.on_batch_begin(b, logs)
                step = function('train', ins)
                outs = step(*ins)
                if dist is not None:      # the global batch
                    logs['size'] = getattr(step, 'last_size', None) or \
                        len(ins[0]) * dist.world_size
                for name, value in zip(names, outs):
                    logs[name] = float(value)
                cb.on_batch_end(b, logs)
                if self.stop_training:
                    break
            if val is not None and _should_validate(epoch, validation_freq):
                val_outs = self._evaluate_epoch(val.adapter(), verbose=0, callbacks=cb) \
                    if dist is None else dist.evaluate(val, cb)
                for name, value in zip(names, val_outs):
                    epoch_logs['val_' + name] = value
            cb.on_epoch_end(epoch, epoch_logs)
            if dist is not None:      # every worker stops when one does
                self.stop_training = dist.any(self.stop_training)
            if self.stop_training:
                break
        cb.on_train_end()
        return self.history

    def _evaluate_epoch(self, data, verbose, callbacks=None):
        """Loss and metrics over one pass of ``data``: per-sample averages, and the running
        value for stateful metrics. ``callbacks`` get the on_test_* hooks (fit passes its
        own CallbackList during validation)."""
        bar = _progbar(data, verbose)
        hooks = self._hook_list(callbacks, data.samples, getattr(data, 'batch_size', None),
                                verbose)
        self.reset_metrics()
        hooks.on_test_begin()
        totals, seen, outs = None, 0, None
        for b, ins in enumerate(data.epoch()):
            n = len(ins[0])
            hooks.on_test_batch_begin(b, {'batch': b, 'size': n})
            outs = [float(o) for o in self._function('test', ins)(*ins)]
            batch = np.asarray(outs) * n
            totals = batch if totals is None else totals + batch
            seen += n
            hooks.on_test_batch_end(b, dict([('batch', b), ('size', n)] + list(
                zip(self.metrics_names, outs))))
            if bar is not None:
                bar.update(seen)
        if totals is None:
            raise ValueError('evaluate received 0 samples')
        hooks.on_test_end()
        values = self._epoch_values([float(t) / seen for t in totals], outs)
        if getattr(data, 'reports_last_batch_loss', False):
            values[0] = outs[0]
        return values

    def _predict_epoch(self, data, verbose, callbacks=None):
        """Outputs over one pass of ``data``; ``callbacks`` get the on_predict_* hooks."""
        bar = _progbar(data, verbose)
        hooks = self._hook_list(callbacks, data.samples, getattr(data, 'batch_size', None),
                                verbose)
        hooks.on_predict_begin()
        chunks, seen = None, 0
        for b, ins in enumerate(data.epoch()):
            n = len(ins[0])
            hooks.on_predict_batch_begin(b, {'batch': b, 'size': n})
            fn = self._function('predict', ins)
            outs = fn(*ins)
            if chunks is None:
                fast_predict.remember(self, ins, fn)
                chunks = [[] for _ in outs]
            for c, o in zip(chunks, outs):
                c.append(o)
            hooks.on_predict_batch_end(b, {'batch': b, 'size': n, 'outputs': outs})
            seen += n
            if bar is not None:
                bar.update(seen)
        if chunks is None:
            raise ValueError('predict received 0 samples')
        hooks.on_predict_end()
        return nest.unpack_singleton([np.concatenate(c) for c in chunks])

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None,
                       reset_metrics=True):
        xs, ys, sws = self._standardize(x, y, sample_weight, class_weight)
        ins = xs + ys + sws
        outs = [float(o) for o in self._function('train', ins)(*ins)]
        if reset_metrics:
            self.reset_metrics()
        return outs[0] if len(outs) == 1 else outs

    def test_on_batch(self, x, y, sample_weight=None, reset_metrics=True):
        ins = self._test_arrays(x, y, sample_weight)
        outs = [float(o) for o in self._function('test', ins)(*ins)]
        if reset_metrics:
            self.reset_metrics()
        return outs[0] if len(outs) == 1 else outs

    def predict_on_batch(self, x):
        fast = self._functions.get(fast_predict.KEY)
        if fast is not None:
            outs = fast(x, self._model_outputs(), None)
            if outs is not None:
                return outs
        xs = self._predict_arrays(x)
        fn = self._function('predict', xs)
        outs = fn(*xs)
        fast_predict.remember(self, xs, fn)
        return outs[0] if len(outs) == 1 else outs

    # --- saving: minikeras.saving / minikeras.export, reached through models/persistence.py --
    def save_weights(self, filepath, overwrite=True):
        persistence.call('save_weights', self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, reshape=False):
        persistence.call('load_weights', self, filepath, by_name=by_name,
                         skip_mismatch=skip_mismatch)

    def save(self, filepath, overwrite=True, include_optimizer=True):
        persistence.call('save_model', self, filepath, overwrite=overwrite,
                         include_optimizer=include_optimizer)

    def export(self, filepath, format='saved_model', overwrite=True, **options):
        """Export for deployment: 'saved_model' (TF Serving), 'tflite' or 'onnx'. Works for
        a model trained on any engine; see ``minikeras.export.export_model``."""
        return persistence.call('export_model', self, filepath, format=format,
                                overwrite=overwrite, **options)

    def get_config(self):
        from minikeras.models import model_config
        return model_config.network_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from minikeras.models import model_config
        return model_config.network_from_config(cls, config, custom_objects)

    def to_json(self, **kwargs):
        from minikeras.models import model_config
        return model_config.to_json(self, **kwargs)

    def to_yaml(self, **kwargs):
        from minikeras.models import model_config
        return model_config.to_yaml(self, **kwargs)


def _batch_size(batch_size):
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ArgumentTypeError('batch_size must be a positive integer, received %r'
                                % (batch_size,))
    if batch_size < 1:
        raise ValueError('batch_size must be a positive integer, received %r' % (batch_size,))
    return int(batch_size)


def _should_validate(epoch, freq):
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq


def _progbar(data, verbose):
    """A progress bar over the samples of in-memory data when ``verbose == 1``."""
    if verbose != 1 or not data.in_memory:
        return None
    from minikeras.utils.generic_utils import Progbar
    return Progbar(target=data.samples)


def _with_none_at(step, kept, count):
    """``step`` taking only the tensors at positions ``kept`` of its ``count`` arguments;
    the others (unit sample weights) reach it as None."""
    def partial_step(*tensors):
        full = [None] * count
        for i, t in zip(kept, tensors):
            full[i] = t
        return step(*full)
    return partial_step


class _Passing(object):
    """A compiled function called with the arrays at positions ``kept`` of the arguments
    (the others are unit sample weights it does not take); any other attribute is the
    compiled function's."""
    __slots__ = ('compiled', 'kept')

    def __init__(self, compiled, kept):
        self.compiled, self.kept = compiled, kept

    def __call__(self, *arrays):
        return self.compiled(*[arrays[i] for i in self.kept])

    def __getattr__(self, name):
        return getattr(self.compiled, name)
