"""Keras 2.3.1 training features kept apart from the training loops: stateful metrics
(``metrics``, ``stateful_metric_names``, ``reset_metrics``), outputs without a loss,
``add_metric`` values, and the trainable weights collected at ``compile``."""
import warnings

from minikeras.metric_classes import Mean, MeanMetricWrapper, Metric


class TrainingExtras(object):
    # --- stateful metrics ------------------------------------------------------------
    def _metric_objects(self):
        return [fn for _, _, fn in getattr(self, '_metric_fns', []) if isinstance(fn, Metric)]

    @property
    def metrics(self):
        """The Metric objects of ``compile(metrics=...)`` and ``add_metric``."""
        return self._metric_objects() + list(getattr(self, '_added_metric_objects', []))

    @property
    def stateful_metric_names(self):
        """Names (as in ``metrics_names``) whose values are running results over the
        epoch, not per-batch values: their epoch value is the last batch's. As in Keras
        2.3.1, every name but the total ``loss``."""
        return list(getattr(self, 'metrics_names', ['loss'])[1:])

    def reset_metrics(self):
        """Reset the state of every Metric object of this model (and of the per-output
        loss means)."""
        for metric in self.metrics + list(getattr(self, '_output_loss_metrics', [])):
            metric.reset_states()

    def _epoch_values(self, averaged, last_batch):
        """Per-sample averages for plain metrics, the last running value for stateful
        ones (both lists follow ``metrics_names``)."""
        stateful = set(self.stateful_metric_names)
        return [float(last) if name in stateful else avg
                for name, avg, last in zip(self.metrics_names, averaged, last_batch)]

    # --- metric lists ----------------------------------------------------------------------
    def _per_output_metric_lists(self, metrics, names):
        """One list of metrics per output from compile's ``metrics`` / ``weighted_metrics``:
        a list for every output, a list of lists, or a dict by output name."""
        metrics = metrics or []
        if isinstance(metrics, dict):
            return self._per_output(metrics, 'metrics', [])
        if isinstance(metrics, (list, tuple)) and metrics and \
                all(isinstance(m, (list, tuple)) for m in metrics):
            return list(metrics)
        return [list(metrics)] * len(names)

    def _add_weighted_metrics(self, names):
        """``weighted_metrics`` (Keras 2.3.1): computed with the sample weights, named
        ``weighted_<name>``; a plain function becomes a running weighted mean."""
        self._weighted = set()
        per_out = self._per_output_metric_lists(
            getattr(self, '_weighted_metrics_arg', None), names)
        for i, mlist in enumerate(per_out):
            if i not in self._target_index:
                continue
            for m in (mlist if isinstance(mlist, (list, tuple)) else [mlist]):
                name, fn = self._resolve_metric(m, i)
                if not isinstance(fn, Metric):
                    name = 'weighted_' + name
                    fn = MeanMetricWrapper(fn, name=name)
                self._metric_fns.append((i, name, fn))
                self._weighted.add(id(fn))

    # --- outputs without a loss ------------------------------------------------------------
    def _set_targets(self, names):
        """Keras 2.3.1: an output whose loss is None (in a list or dict, or ``loss=None``
        with losses from ``add_loss``) is not trained against data; a dict that leaves
        an output out warns as Keras does."""
        if isinstance(self.loss, dict):
            for name, fn in zip(names, self._loss_fns):
                if fn is None and name not in self.loss:
                    warnings.warn('Output %s missing from loss dictionary. We assume this was '
                                  'done on purpose. The fit and evaluate APIs will not be '
                                  'expecting any data to be passed to %s.' % (name, name))
        self._target_index = [i for i, fn in enumerate(self._loss_fns) if fn is not None]
        self._collected_trainable_weights = list(self.trainable_weights)

    def _trainable_weights_for_training(self):
        """The trainable weights as they were at ``compile`` (Keras 2.3.1: changing
        ``trainable`` afterwards takes effect at the next ``compile``, with a warning)."""
        collected = getattr(self, '_collected_trainable_weights', None)
        if collected is None:
            return self.trainable_weights
        if len(collected) != len(self.trainable_weights):
            warnings.warn('Discrepancy between trainable weights and collected trainable '
                          'weights, did you set `model.trainable` without calling '
                          '`model.compile` after ?')
        return collected

    # --- add_metric ------------------------------------------------------------------------
    def _prepare_added_metrics(self):
        """One running Mean per name given to ``add_metric`` (the model's own and its
        layers'), reported after the compiled metrics."""
        seen, objects = set(), []
        layers = [self] + [l for l in getattr(self, 'layers', []) if l is not self]
        for layer in layers:
            for name in getattr(layer, '_added_metric_names', []):
                if name not in seen:
                    seen.add(name)
                    objects.append(Mean(name=name))
        self._added_metric_objects = objects
        self.metrics_names += [m.name for m in objects]

    def _added_metric_values(self, ctx):
        values = getattr(ctx, 'added_metrics', {})
        out = []
        for metric in self._added_metric_objects:
            if metric.name not in values:
                raise ValueError('metric %r was added with add_metric but no value for it was '
                                 'computed in this step' % metric.name)
            out.append(metric(values[metric.name]))
        return out

    # --- callbacks of evaluate / predict ------------------------------------------------------
    def _hook_list(self, callbacks, samples, batch_size, verbose):
        """The CallbackList whose on_test_* / on_predict_* hooks a loop calls: fit's own
        list during validation, else the ``callbacks`` given to evaluate / predict."""
        from minikeras import callbacks as cbks
        if isinstance(callbacks, cbks.CallbackList):
            return callbacks
        hooks = cbks.CallbackList(list(callbacks or []))
        hooks.set_model(self)
        hooks.set_params({'batch_size': batch_size, 'steps': None, 'samples': samples,
                          'verbose': verbose,
                          'metrics': list(getattr(self, 'metrics_names', []))})
        return hooks
