"""``python _coreml_spec.py MODEL.mlpackage``: print one JSON line describing a Core ML
model as far as Linux can check it (coremltools only; no minikeras import): it loads as
a spec and as an MLModel object (without compiling it: that needs macOS), its type and
specification version, inputs and outputs (names, shapes with null for a flexible
dimension, types) and the ML program's op set. Exit code 3: no coremltools here."""
import json
import os
import logging
import sys
import warnings


if __name__ == '__main__' and sys.path and \
        os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]   # this folder's modules (web.py, cli.py, ...) are not top-level modules

def _feature(f):
    kind = f.type.WhichOneof('Type')
    out = {'name': f.name, 'type': kind, 'shape': None}
    if kind == 'multiArrayType':
        arr = f.type.multiArrayType
        shape = list(arr.shape)
        ranges = list(arr.shapeRange.sizeRanges)
        if ranges:
            shape = [int(r.lowerBound) if r.lowerBound == r.upperBound else None
                     for r in ranges]
        out['shape'] = [None if d is None else int(d) for d in shape] or None
        out['dtype'] = arr.ArrayDataType.Name(arr.dataType)
    return out


def _ops(block, found):
    for op in block.operations:
        found.add(op.type)
        for inner in op.blocks:
            _ops(inner, found)
    return found


def main(path):
    logging.disable(logging.WARNING)
    warnings.simplefilter('ignore')
    try:
        import coremltools as ct
    except ImportError as e:
        sys.stderr.write('cannot import coremltools: %s\n' % e)
        return 3
    spec = ct.utils.load_spec(path)
    ct.models.MLModel(path, skip_model_load=True)   # the package loads as a model object
    kind = spec.WhichOneof('Type')
    ops = set()
    if kind == 'mlProgram':
        for function in spec.mlProgram.functions.values():
            for block in function.block_specializations.values():
                _ops(block, ops)
    print(json.dumps({'coremltools': ct.__version__, 'type': kind,
                      'specification_version': spec.specificationVersion,
                      'inputs': [_feature(f) for f in spec.description.input],
                      'outputs': [_feature(f) for f in spec.description.output],
                      'ops': sorted(ops)}))
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.stderr.write('usage: python _coreml_spec.py MODEL.mlpackage\n')
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
