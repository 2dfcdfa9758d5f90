"""The stateful-metric side of ``Model`` (Keras 2.3.1): ``metrics``,
``stateful_metric_names``, ``reset_metrics()``; kept apart from the training loops."""
from minikeras.metric_classes import Metric


class MetricsMixin(object):
    def _metric_objects(self):
        return [fn for _, _, fn in getattr(self, '_metric_fns', []) if isinstance(fn, Metric)]

    @property
    def metrics(self):
        """The Metric objects of ``compile(metrics=...)`` and ``add_metric``."""
        return self._metric_objects() + list(getattr(self, '_added_metric_objects', []))

    @property
    def stateful_metric_names(self):
        """Names (as in ``metrics_names``) whose values are running results over the
        epoch, not per-batch values: their epoch value is the last batch's."""
        names = getattr(self, 'metrics_names', [])
        out_names = self._out_names() if getattr(self, '_metric_fns', None) else []
        result = []
        for i, name, fn in getattr(self, '_metric_fns', []):
            if isinstance(fn, Metric):
                full = '%s_%s' % (out_names[i], name) if len(out_names) > 1 else name
                if full in names:
                    result.append(full)
        return result + [m.name for m in getattr(self, '_added_metric_objects', [])]

    def reset_metrics(self):
        """Reset the state of every Metric object of this model (and of its layers)."""
        for metric in self.metrics:
            metric.reset_states()
        for layer in getattr(self, 'layers', []):
            for metric in getattr(layer, '_metric_objects_of_layer', []):
                metric.reset_states()

    def _epoch_values(self, averaged, last_batch):
        """Per-sample averages for plain metrics, the last running value for stateful
        ones (both lists follow ``metrics_names``)."""
        stateful = set(self.stateful_metric_names)
        return [float(last) if name in stateful else avg
                for name, avg, last in zip(self.metrics_names, averaged, last_batch)]
