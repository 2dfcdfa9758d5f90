"""Seeded mutations of a saved model or weights file, for the loader fuzz test and the
targeted tests. Each takes (rng, path, scratch folder) and damages ``path`` in place;
``MUTATIONS`` lists them by name."""
import json
import os

import h5py
import numpy as np


def _objects(f):
    """Paths of every group and dataset below the root (links not followed)."""
    found = []

    def visit(name, obj):
        found.append(name)
    f.visititems(visit)
    return found


def _datasets(f):
    return [n for n in _objects(f) if isinstance(f[n], h5py.Dataset)]


def _pick(rng, items):
    return items[rng.randint(len(items))] if items else None


def replace_dataset(f, name, make):
    """Swap dataset ``name`` for what ``make(parent_group, basename, old_array)``
    creates there."""
    old = f[name][()]
    parent, base = os.path.split(name)
    group = f[parent] if parent else f
    del group[base]
    make(group, base, np.asarray(old))


# --- byte level ------------------------------------------------------------------------
def truncate(rng, path, scratch):
    data = open(path, 'rb').read()
    with open(path, 'wb') as out:
        out.write(data[:rng.randint(0, len(data))])


def flip_bytes(rng, path, scratch):
    data = bytearray(open(path, 'rb').read())
    for _ in range(rng.randint(1, 9)):
        i = rng.randint(len(data))
        data[i] ^= 1 << rng.randint(8)
    with open(path, 'wb') as out:
        out.write(bytes(data))


def zero_range(rng, path, scratch):
    data = bytearray(open(path, 'rb').read())
    start = rng.randint(len(data))
    end = min(len(data), start + rng.randint(1, 256))
    data[start:end] = b'\0' * (end - start)
    with open(path, 'wb') as out:
        out.write(bytes(data))


# --- structure ---------------------------------------------------------------------------
def delete_attribute(rng, path, scratch):
    with h5py.File(path, 'r+') as f:
        owners = [''] + _objects(f)
        choices = [(o, a) for o in owners for a in (f[o] if o else f).attrs]
        owner, attr = _pick(rng, choices)
        del (f[owner] if owner else f).attrs[attr]


def delete_object(rng, path, scratch):
    with h5py.File(path, 'r+') as f:
        del f[_pick(rng, _objects(f))]


def change_shape(rng, path, scratch):
    """A dataset replaced by one of another shape (always different from the old one)."""
    def make(g, n, old):
        shape = old.shape
        while shape == old.shape:
            shape = tuple(rng.randint(1, 7, size=rng.randint(0, 4)))
        g.create_dataset(n, data=rng.rand(*shape).astype(old.dtype))
    with h5py.File(path, 'r+') as f:
        replace_dataset(f, _pick(rng, _datasets(f)), make)


def change_dtype(rng, path, scratch):
    kinds = ['int32', 'int8', 'complex64', 'bool', 'S7', 'compound', 'vlen_str', 'float64']

    def make(g, n, old):
        kind = _pick(rng, kinds)
        if kind == 'compound':
            dt = np.dtype([('a', 'f4'), ('b', 'i4')])
            g.create_dataset(n, shape=old.shape, dtype=dt)
        elif kind == 'vlen_str':
            g.create_dataset(n, shape=old.shape, dtype=h5py.string_dtype())
        elif kind == 'float64' and old.dtype.kind == 'f':
            g.create_dataset(n, data=old.astype('float64'))   # same values: a clean load
        else:
            g.create_dataset(n, data=np.zeros(old.shape).astype(kind if kind != 'float64'
                                                                 else 'int64'))
    with h5py.File(path, 'r+') as f:
        # not scalars: an int64 scalar is a valid optimizer step counter (Keras 2 files)
        replace_dataset(f, _pick(rng, [d for d in _datasets(f) if f[d].shape]), make)


def huge_shape(rng, path, scratch):
    shape = _pick(rng, [(1 << 20, 1 << 20), (1 << 40,), (1 << 16, 1 << 16, 1 << 16)])
    with h5py.File(path, 'r+') as f:
        replace_dataset(f, _pick(rng, _datasets(f)),
                 lambda g, n, old: g.create_dataset(n, shape=shape, dtype='float32'))


def garbage_json(rng, path, scratch):
    values = [b'{"class_name": ', b'\xff\xfe\x00garbage', b'[]', b'null', b'42',
              json.dumps({'class_name': 5, 'config': []}).encode(),
              json.dumps({'class_name': 'Sequential', 'config': {'layers': 'x'}}).encode(),
              json.dumps({'class_name': 'Model', 'config': {}}).encode(),
              json.dumps({'version': 99}).encode(), b'{"optimizer_config": 1}']
    with h5py.File(path, 'r+') as f:
        owners = [o for o in [''] + _objects(f)
                  for a in (f[o] if o else f).attrs
                  if a in ('model_config', 'training_config', 'minikeras_layout')]
        owner = _pick(rng, owners or [''])
        obj = f[owner] if owner else f
        attr = _pick(rng, [a for a in ('model_config', 'training_config', 'minikeras_layout')
                           if a in obj.attrs] or ['model_config'])
        obj.attrs[attr] = np.bytes_(_pick(rng, values))


def external_storage(rng, path, scratch):
    outside = os.path.join(scratch, 'outside.bin')

    def make(g, n, old):
        data = np.ascontiguousarray(old.astype('float32') if old.dtype.kind == 'f' else old)
        with open(outside, 'wb') as out:
            out.write(data.tobytes())
        g.create_dataset(n, shape=data.shape, dtype=data.dtype,
                         external=[(outside, 0, max(1, data.nbytes))])
    with h5py.File(path, 'r+') as f:
        replace_dataset(f, _pick(rng, [d for d in _datasets(f) if f[d].shape]), make)


def soft_link(rng, path, scratch):
    """A dataset replaced by a soft link to another one (dangling if it is itself)."""
    with h5py.File(path, 'r+') as f:
        names = _datasets(f)
        target, victim = _pick(rng, names), _pick(rng, names)
        del f[victim]
        f[victim] = h5py.SoftLink('/' + target)


def external_link(rng, path, scratch):
    other = os.path.join(scratch, 'other.h5')
    with h5py.File(path, 'r+') as f:
        victim = _pick(rng, _datasets(f))
        data = f[victim][()]
        with h5py.File(other, 'w') as o:
            o.create_dataset('data', data=data)
        del f[victim]
        f[victim] = h5py.ExternalLink(other, '/data')


def virtual_dataset(rng, path, scratch):
    source = os.path.join(scratch, 'source.h5')
    with h5py.File(path, 'r+') as f:
        victim = _pick(rng, [d for d in _datasets(f) if f[d].shape])
        data = f[victim][()]
        with h5py.File(source, 'w') as o:
            o.create_dataset('data', data=data)
        layout = h5py.VirtualLayout(shape=data.shape, dtype=data.dtype)
        layout[...] = h5py.VirtualSource(source, 'data', shape=data.shape)
        del f[victim]
        parent, base = os.path.split(victim)
        (f[parent] if parent else f).create_virtual_dataset(base, layout)


def shuffle_weight_names(rng, path, scratch):
    """Reorders a layer's weight_names list: matching by name makes this a clean load."""
    with h5py.File(path, 'r+') as f:
        owners = [o for o in _objects(f) if 'weight_names' in f[o].attrs
                  and len(f[o].attrs['weight_names']) > 1]
        obj = f[_pick(rng, owners)]
        names = list(obj.attrs['weight_names'])
        obj.attrs['weight_names'] = [names[i] for i in rng.permutation(len(names))]


def rename_layer(rng, path, scratch):
    with h5py.File(path, 'r+') as f:
        owners = [o for o in [''] + _objects(f) if 'layer_names' in (f[o] if o else f).attrs]
        obj = f[_pick(rng, owners)] if owners[0] else f
        names = list(obj.attrs['layer_names'])
        names[rng.randint(len(names))] = _pick(rng, [b'nope', b'../d1', b'/d1', b'', b'd1/d1'])
        obj.attrs['layer_names'] = names


MUTATIONS = [truncate, flip_bytes, zero_range, delete_attribute, delete_object, change_shape,
             change_dtype, huge_shape, garbage_json, external_storage, soft_link,
             external_link, virtual_dataset, shuffle_weight_names, rename_layer]
