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
"""


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


def _install(cc):
    """Wrap ``cc.CLinker.cmodule_key_`` (``cc``: the module ``theano.gof.cc``), once."""
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
