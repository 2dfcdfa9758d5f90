"""Flatten and rebuild nested lists, tuples and dicts of leaves."""


def flatten(structure):
    if isinstance(structure, dict):
        out = []
        for key in sorted(structure):
            out.extend(flatten(structure[key]))
        return out
    if isinstance(structure, (list, tuple)):
        out = []
        for item in structure:
            out.extend(flatten(item))
        return out
    return [structure]


def map_structure(fn, structure):
    if isinstance(structure, dict):
        return dict((k, map_structure(fn, v)) for k, v in structure.items())
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, v) for v in structure)
    return fn(structure)


def to_list(x):
    """``x`` as a list: lists and tuples are copied, anything else wrapped."""
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def unpack_singleton(x):
    if isinstance(x, (list, tuple)) and len(x) == 1:
        return x[0]
    return x
