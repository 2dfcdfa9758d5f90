"""Classic Theano 1.0.5: keep compiled C modules of ops without properties in the cache.

Theano keys each compiled C module by a version list: every op's
``c_code_cache_version``, the types' versions and every op's ``__props__`` (the names of
its parameters). Any empty entry marks the module "unversioned": never reused by another
process. An op with no parameters has ``__props__ == ()`` (Dot22, Dot22Scalar, Softmax,
SoftmaxWithBias, SoftmaxGrad, the MRG streams' DotModulo, ...), so every module holding
one is compiled again by every new process, ~2 s of g++ each, even with a warm cache
(``cmodule.warn_no_version=True`` shows them). An empty parameter list is not a missing
version, so ``_install`` wraps ``CLinker.cmodule_key_``: when Theano found the module
unversioned, the versions are collected again the same way, with empty ``__props__``
allowed; a missing op or type version still leaves the module unversioned.

Second, ops whose C code lives in files (``COp``: DimShuffle, ...) version themselves
with Python's ``hash`` of that code, which changes with every process (string hashes are
salted), so their modules never match a cached key either. ``_install`` gives them a
digest of the same code instead: stable across processes, still new when the code is.
"""
import hashlib


def _versions(linker, fgraph):
    """Theano's version list for ``fgraph``, or None if an op or type has no version."""
    versions = []
    for node in linker.schedule(fgraph):
        if hasattr(node.op, 'c_code_cache_version_apply'):
            versions.append(node.op.c_code_cache_version_apply(node))
            if not versions[-1]:
                return None
        if hasattr(node.op, '__props__'):
            versions.append(node.op.__props__)       # () is a valid "no parameters"
        for var in list(node.inputs) + list(node.outputs):
            versions.append(var.type.c_code_cache_version())
            if not versions[-1]:
                return None
    return tuple(versions)


def _stable_cop_version(self):
    codes = '\0'.join(self.func_codes).encode('utf-8')
    version = (int(hashlib.sha256(codes).hexdigest()[:15], 16),)
    if hasattr(self, 'params_type'):
        version += (self.params_type.c_code_cache_version(),)
    return version


def _install(cc, op_module):
    """Wrap ``cc.CLinker.cmodule_key_`` (``cc``: the module ``theano.gof.cc``) and give
    ``op_module.COp`` (``theano.gof.op``) its stable version, once."""
    op_module.COp.c_code_cache_version = _stable_cop_version
    original = cc.CLinker.cmodule_key_
    if getattr(original, 'minikeras_props_fix', False):
        return

    def cmodule_key_(self, fgraph, no_recycling, *args, **kwargs):
        key = original(self, fgraph, no_recycling, *args, **kwargs)
        if key is None or key[0] != ():
            return key
        versions = _versions(self, fgraph)
        return key if versions is None else (versions, key[1])
    cmodule_key_.minikeras_props_fix = True
    cc.CLinker.cmodule_key_ = cmodule_key_
