"""TensorBoard writes event files TensorBoard can read (checked by reading the records back
with an independent reader: TFRecord framing, masked CRC-32C, Event protos); RemoteMonitor
POSTs real HTTP requests to a local server."""
import glob
import json
import os
import struct
import warnings
from urllib.parse import parse_qs

import numpy as np
import pytest

from local_http import LocalHTTP
from minikeras.callbacks import RemoteMonitor
from minikeras.layers import Dense, Input
from minikeras.models import Model


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def masked_crc32c(data):
    crc = 0xFFFFFFFF
    for byte in bytearray(data):
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    crc ^= 0xFFFFFFFF
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_events(log_dir):
    from tensorboardX.proto.event_pb2 import Event
    files = glob.glob(os.path.join(log_dir, 'events.out.tfevents.*'))
    assert len(files) == 1, files
    data = open(files[0], 'rb').read()
    events, pos = [], 0
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack('<Q', header)
        assert struct.unpack('<I', data[pos + 8:pos + 12])[0] == masked_crc32c(header)
        body = data[pos + 12:pos + 12 + length]
        assert struct.unpack('<I', data[pos + 12 + length:pos + 16 + length])[0] == \
            masked_crc32c(body)
        events.append(Event.FromString(body))
        pos += 16 + length
    return events


def small_model():
    x = Input((3,), name='x')
    model = Model(x, Dense(1, name='out')(Dense(4, activation='tanh', name='hidden')(x)))
    model.compile('sgd', 'mse', metrics=['mae'])
    return model


def data():
    rng = np.random.RandomState(0)
    x = rng.rand(40, 3).astype('float32')
    return x, x.sum(1, keepdims=True)


def test_tensorboard_scalars_histograms_graph(tmp_path):
    pytest.importorskip('tensorboardX', reason='tensorboardX is not installed in this lane '
                        '(pip install "minikeras[tensorboard]")')
    from minikeras.callbacks import TensorBoard
    log_dir = str(tmp_path / 'logs')
    x, y = data()
    model = small_model()
    history = model.fit(x, y, batch_size=10, epochs=3, verbose=0, validation_split=0.25,
                        callbacks=[TensorBoard(log_dir, histogram_freq=1)])
    events = read_events(log_dir)
    scalars = {}
    histograms = set()
    graphs = [e for e in events if e.graph_def]
    for e in events:
        for v in e.summary.value:
            if v.HasField('histo'):
                histograms.add(v.tag)
                assert v.histo.num > 0
            else:
                scalars.setdefault(v.tag, []).append((e.step, v.simple_value))
    assert sorted(scalars) == ['loss', 'mae', 'val_loss', 'val_mae']
    assert [s for s, _ in scalars['loss']] == [0, 1, 2]
    np.testing.assert_allclose([v for _, v in scalars['val_loss']],
                               history.history['val_loss'], rtol=1e-6)
    assert {'hidden/kernel_0', 'hidden/bias_0', 'out/kernel_0', 'out/bias_0'} <= histograms
    from tensorboardX.proto.graph_pb2 import GraphDef
    graph = GraphDef.FromString(graphs[0].graph_def)
    nodes = dict((n.name, (n.op, list(n.input))) for n in graph.node)
    assert nodes['out'] == ('Dense', ['hidden']) and nodes['hidden'] == ('Dense', ['x'])


def test_tensorboard_per_batch_scalars(tmp_path):
    pytest.importorskip('tensorboardX', reason='tensorboardX is not installed in this lane')
    from minikeras.callbacks import TensorBoard
    log_dir = str(tmp_path / 'logs')
    x, y = data()
    small_model().fit(x, y, batch_size=10, epochs=2, verbose=0,
                      callbacks=[TensorBoard(log_dir, update_freq='batch', write_graph=False)])
    steps = {}
    for e in read_events(log_dir):
        for v in e.summary.value:
            steps.setdefault(v.tag, []).append(e.step)
    assert steps['batch_loss'] == [10, 20, 30, 40, 50, 60, 70, 80]
    assert steps['loss'] == [40, 80]          # epoch scalars at the samples seen (Keras 2.3.1)
    with pytest.raises(ValueError, match='update_freq'):
        TensorBoard(log_dir, update_freq='hourly')


def test_remote_monitor_posts_form_and_json():
    x, y = data()
    with LocalHTTP() as server:
        small_model().fit(x, y, batch_size=20, epochs=2, verbose=0,
                          callbacks=[RemoteMonitor(root=server.url),
                                     RemoteMonitor(root=server.url, path='/json',
                                                   send_as_json=True,
                                                   headers={'X-Run': 'r1'})])
    form = [p for p in server.posts if p[0] == '/publish/epoch/end/']
    as_json = [p for p in server.posts if p[0] == '/json']
    assert len(form) == 2 and len(as_json) == 2
    sent = json.loads(parse_qs(form[1][2].decode())['data'][0])
    assert sent['epoch'] == 1 and set(sent) == {'epoch', 'loss', 'mae'}
    body = json.loads(as_json[0][2].decode())
    assert body['epoch'] == 0 and isinstance(body['loss'], float)
    assert as_json[0][1].get('X-Run') == 'r1'


def test_remote_monitor_unreachable_warns():
    monitor = RemoteMonitor(root='http://127.0.0.1:9', timeout=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        monitor.on_epoch_end(0, {'loss': 1.0})
    assert any('could not reach RemoteMonitor' in str(w.message) for w in caught)
