"""Classic Theano 1.0.5: compiled C modules of parameterless ops (Dot22, Softmax, ...) and
of file-based ops (DimShuffle, ...) get cache keys that another process can find
(minikeras/backend/theano/module_cache.py)."""
import hashlib

import pytest

import minikeras.backend as K

pytestmark = pytest.mark.skipif(
    K.backend() != 'theano' or K.engine_info().get('implementation') != 'theano',
    reason='the module cache fix is for classic Theano 1.0.5 only (this run: %s)'
    % K.engine_info().get('implementation', K.backend()))


def test_a_parameterless_op_module_is_versioned():
    import theano.tensor as T
    from theano.gof import FunctionGraph
    from theano.gof.cc import CLinker
    from theano.tensor.blas import _dot22
    a, b = T.fmatrix(), T.fmatrix()
    assert _dot22.__props__ == ()
    key = CLinker().accept(FunctionGraph([a, b], [_dot22(a, b)])).cmodule_key()
    assert key[0] != (), 'Dot22 module would be recompiled in every process'


def test_file_based_ops_version_by_a_digest_of_their_code():
    from theano.tensor.elemwise import DimShuffle
    op = DimShuffle((False, False), (1, 0))
    digest = hashlib.sha256('\0'.join(op.func_codes).encode('utf-8')).hexdigest()
    assert op.c_code_cache_version()[0] == int(digest[:15], 16)
