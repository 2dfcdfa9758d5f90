"""plot_model / model_to_dot (pydot + Graphviz), print_summary, HDF5Matrix."""
import shutil

import numpy as np
import pytest

from minikeras.layers import Dense, Input, concatenate
from minikeras.models import Model, Sequential
from minikeras.utils.io_utils import HDF5Matrix
from minikeras.utils.layer_utils import print_summary


def branchy():
    a = Input((4,), name='a')
    b = Input((3,), name='b')
    h = concatenate([Dense(5, name='da')(a), Dense(5, name='db')(b)], name='cat')
    return Model([a, b], Dense(2, name='out')(h))


def test_model_to_dot_edges_and_labels():
    pytest.importorskip('pydot', reason='pydot is not installed in this lane')
    if shutil.which('dot') is None:
        pytest.skip('Graphviz `dot` is not on the PATH (apt-get install graphviz)')
    from minikeras.utils.vis_utils import model_to_dot
    model = branchy()
    dot = model_to_dot(model, show_shapes=True)
    names = dict((str(id(l)), l.name) for l in model.layers)
    labels = [n.get('label') for n in dot.get_nodes() if n.get_name().strip('"') in names]
    assert any('cat: Concatenate' in l and '(None, 10)' in l for l in labels)
    edges = sorted((names[e.get_source().strip('"')], names[e.get_destination().strip('"')])
                   for e in dot.get_edges())
    assert edges == [('a', 'da'), ('b', 'db'), ('cat', 'out'), ('da', 'cat'), ('db', 'cat')]


def test_plot_model_draws_a_png(tmp_path):
    pytest.importorskip('pydot', reason='pydot is not installed in this lane')
    if shutil.which('dot') is None:
        pytest.skip('Graphviz `dot` is not on the PATH (apt-get install graphviz)')
    from minikeras.utils.vis_utils import plot_model
    path = str(tmp_path / 'model.png')
    plot_model(Sequential([Dense(3, input_shape=(2,)), Dense(1)]), to_file=path,
               show_shapes=True, rankdir='LR')
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n' and len(data) > 1000


def test_missing_graphviz_names_the_install_command(monkeypatch):
    pydot = pytest.importorskip('pydot', reason='pydot is not installed in this lane')
    from minikeras.utils import vis_utils

    def no_dot(*args, **kwargs):
        raise FileNotFoundError('[Errno 2] "dot" not found in path.')
    monkeypatch.setattr(pydot.Dot, 'create', no_dot)
    with pytest.raises(OSError, match='apt-get install graphviz'):
        vis_utils.model_to_dot(branchy())


def test_missing_pydot_names_pip_install(monkeypatch):
    import sys
    from minikeras.utils import vis_utils
    monkeypatch.setitem(sys.modules, 'pydot', None)
    with pytest.raises(ImportError, match='pip install pydot'):
        vis_utils.plot_model(branchy())


def test_print_summary_counts_params():
    lines = []
    print_summary(branchy(), print_fn=lines.append)
    assert 'Total params: 67' in lines       # 4*5+5 + 3*5+5 + 10*2+2


def test_hdf5_matrix_reads_rows_and_trains(tmp_path):
    import h5py
    path = str(tmp_path / 'data.h5')
    x = np.random.RandomState(0).rand(20, 3).astype('float32')
    y = x.sum(1, keepdims=True)
    with h5py.File(path, 'w') as f:
        f['x'] = x
        f['y'] = y
    xm = HDF5Matrix(path, 'x', start=4, end=14, normalizer=lambda a: a * 2)
    assert len(xm) == 10 and xm.shape == (10, 3) and xm.ndim == 2
    np.testing.assert_allclose(xm[0], x[4] * 2)
    np.testing.assert_allclose(xm[2:5], x[6:9] * 2)
    np.testing.assert_allclose(xm[[3, 1]], x[[7, 5]] * 2)
    np.testing.assert_allclose(xm[-1], x[13] * 2)
    with pytest.raises(KeyError, match="no dataset 'z'"):
        HDF5Matrix(path, 'z')
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile('sgd', 'mse')
    history = model.fit(HDF5Matrix(path, 'x'), HDF5Matrix(path, 'y'), epochs=5, verbose=0,
                        shuffle='batch')
    assert history.history['loss'][-1] < history.history['loss'][0]
