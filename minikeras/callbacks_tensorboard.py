"""The ``TensorBoard`` callback (Keras 2 ``keras.callbacks.TensorBoard``) on every engine:
event files written with ``tensorboardX``'s writer (``pip install "minikeras[tensorboard]"``),
which TensorBoard reads. Scalars per epoch (and per batch with ``update_freq``), weight
histograms every ``histogram_freq`` epochs, and the layer graph (``write_graph``)."""
import warnings

import numpy as np

import minikeras.backend as K
from minikeras.callbacks import Callback
from minikeras.utils.optional import require


def _layer_graph_def(model, graph_pb2):
    """A GraphDef with one node per layer (op = layer class, inputs = inbound layers), for
    TensorBoard's Graphs tab; engine-independent, so every engine shows the same graph."""
    graph = graph_pb2.GraphDef()
    if not getattr(model, '_is_graph_network', False):
        return graph
    inbound = dict((id(l), []) for l in model._layers)
    for node in model._nodes:
        if node.layer is None or id(node.layer) not in inbound:
            continue
        for tensor in node.inputs:
            source = tensor.node.layer if tensor.node is not None else None
            if source is not None and source.name not in inbound[id(node.layer)]:
                inbound[id(node.layer)].append(source.name)
    for layer in model._layers:
        graph.node.add(name=layer.name, op=type(layer).__name__, input=inbound[id(layer)])
    return graph


class TensorBoard(Callback):
    """Write TensorBoard logs to ``log_dir``: the epoch logs as scalars (tags as the log
    names: ``loss``, ``val_loss``, ...; step = epoch); with ``update_freq='batch'`` or an
    integer (samples), the batch logs as ``batch_<name>`` at the number of samples seen,
    and the epoch scalars at that count too, as Keras 2.3.1 does; weight histograms every
    ``histogram_freq`` epochs; the layer graph when ``write_graph``. ``write_grads``,
    ``write_images`` and embeddings are not written (a warning says so)."""

    def __init__(self, log_dir='./logs', histogram_freq=0, batch_size=32, write_graph=True,
                 write_grads=False, write_images=False, embeddings_freq=0,
                 embeddings_layer_names=None, embeddings_metadata=None,
                 embeddings_data=None, update_freq='epoch'):
        super(TensorBoard, self).__init__()
        self._tbx = require('tensorboardX', 'tensorboardX', 'tensorboard',
                            'the TensorBoard callback')
        if update_freq != 'epoch' and update_freq != 'batch' and \
                not (isinstance(update_freq, int) and update_freq > 0):
            raise ValueError("TensorBoard: update_freq must be 'epoch', 'batch' or a positive "
                             "number of samples, received %r" % (update_freq,))
        if not (isinstance(histogram_freq, int) and histogram_freq >= 0):
            raise ValueError('TensorBoard: histogram_freq must be an integer >= 0, received %r'
                             % (histogram_freq,))
        unsupported = [n for n, v in (('write_grads', write_grads),
                                      ('write_images', write_images),
                                      ('embeddings_freq', embeddings_freq)) if v]
        if unsupported:
            warnings.warn('TensorBoard: %s requested but not written by minikeras (scalars, '
                          'histograms and the layer graph are)' % ', '.join(unsupported))
        self.log_dir = log_dir
        self.histogram_freq = histogram_freq
        self.batch_size = batch_size
        self.write_graph = write_graph
        self.update_freq = update_freq
        self.samples_seen = 0
        self.samples_seen_at_last_write = 0
        self.writer = None

    def set_model(self, model):
        super(TensorBoard, self).set_model(model)
        if self.writer is None:
            self.writer = self._tbx.SummaryWriter(logdir=self.log_dir)
            if self.write_graph:
                from tensorboardX.proto import event_pb2, graph_pb2
                graph = _layer_graph_def(model, graph_pb2)
                self.writer._get_file_writer().add_event(
                    event_pb2.Event(graph_def=graph.SerializeToString()))

    def _write_scalars(self, logs, step, prefix=''):
        for name, value in logs.items():
            if name in ('batch', 'size', 'num_steps'):
                continue
            try:
                value = float(np.asarray(value))
            except (TypeError, ValueError):
                continue
            self.writer.add_scalar(prefix + name, value, global_step=step)

    def _write_histograms(self, epoch):
        for layer in self.model.layers:
            weights = layer.weights
            if not weights:
                continue
            names = getattr(layer, '_weight_names', {})
            for i, (weight, value) in enumerate(zip(weights, K.batch_get_value(weights))):
                tag = names.get(id(weight)) or '%s/weight_%d' % (layer.name, i)
                self.writer.add_histogram(tag.replace(':', '_'), np.asarray(value),
                                          global_step=epoch)

    def on_batch_end(self, batch, logs=None):
        if self.update_freq == 'epoch':
            return
        logs = logs or {}
        self.samples_seen += logs.get('size', 1)
        since = self.samples_seen - self.samples_seen_at_last_write
        if self.update_freq == 'batch' or since >= self.update_freq:
            self._write_scalars(logs, self.samples_seen, prefix='batch_')
            self.samples_seen_at_last_write = self.samples_seen

    def on_epoch_end(self, epoch, logs=None):
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_histograms(epoch)
        step = epoch if self.update_freq == 'epoch' else self.samples_seen
        self._write_scalars(logs or {}, step)
        self.writer.flush()

    def on_train_end(self, logs=None):
        if self.writer is not None:
            self.writer.close()
            self.writer = None
