"""keras.utils.io_utils.H5Dict and ask_to_proceed_with_overwrite (Keras 2.3.1)."""
import numpy as np
import pytest

from minikeras.utils import io_utils


def test_ask_to_proceed_with_overwrite(monkeypatch, capsys):
    answers = iter(['maybe', 'y'])
    monkeypatch.setattr('builtins.input', lambda prompt='': next(answers))
    assert io_utils.ask_to_proceed_with_overwrite('model.h5') is True
    assert '[TIP] Next time specify overwrite=True!' in capsys.readouterr().out
    monkeypatch.setattr('builtins.input', lambda prompt='': 'n')
    assert io_utils.ask_to_proceed_with_overwrite('model.h5') is False


def test_h5dict_on_a_file_and_on_a_dict(tmp_path):
    pytest.importorskip('h5py', reason='h5py is not installed in this lane')
    path = str(tmp_path / 'd.h5')
    with io_utils.H5Dict(path, mode='w') as f:
        f['weights'] = np.arange(6.).reshape(2, 3)
        f['name'] = 'model'
        f['layer_names'] = [b'dense_%d' % i for i in range(3)]
        f['long'] = ['x' * 1000 + str(i) for i in range(100)]  # chunked attributes
        f['group']['inner'] = np.float32(2.)
        assert 'weights' in f and 'name' in f and 'missing' not in f
        with pytest.raises(KeyError, match='Group with name "group" exists'):
            f['group'] = 1
    f = io_utils.H5Dict(path, mode='r')
    np.testing.assert_array_equal(f['weights'], np.arange(6.).reshape(2, 3))
    assert f['name'] == 'model'
    names = [n.decode('utf8') if isinstance(n, bytes) else n for n in f['layer_names']]
    assert names == ['dense_0', 'dense_1', 'dense_2']  # bytes or str, as h5py returns
    assert f['long'] == ['x' * 1000 + str(i) for i in range(100)]
    assert float(f['group']['inner']) == 2.
    assert f.get('missing', 5) == 5
    with pytest.raises(ValueError, match='read-only'):
        f['other'] = 1
    with pytest.raises(ValueError, match='read-only'):
        f['missing']
    f.close()
    d = io_utils.H5Dict({})
    d['a'] = np.ones(2)
    d['sub']['b'] = 3
    assert d['sub']['b'] == 3 and isinstance(d['sub'], io_utils.H5Dict)
    np.testing.assert_array_equal(d['a'], [1., 1.])
    assert io_utils.H5Dict.is_supported_type({}) and not io_utils.H5Dict.is_supported_type(3)
    with pytest.raises(TypeError, match='Required Group, str, Path or dict'):
        io_utils.H5Dict(3)
