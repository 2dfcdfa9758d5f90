"""Reading a weights/model HDF5 file as untrusted data.

Everything is checked from HDF5 *metadata* first (links, object kinds, dataset dtype,
shape and storage, attribute sizes); data is read only for datasets whose declared shape
equals the model variable they go to, so a small file cannot drive a large read, and
nothing is assigned until every value has been read. Every problem is a
``ModelFileError`` naming the file, the part and what was expected.
"""
import json
import os
import re

import numpy as np

from minikeras.saving.errors import ModelFileError

# Attributes are stored uncompressed inside the file: a declared size beyond the file's own
# size (plus slack for variable-length strings) is a lie, refused before reading.
_ATTR_SLACK = 1 << 20

_RECOVERABLE = (KeyError, ValueError, TypeError, OSError, RuntimeError, AttributeError,
                IndexError, MemoryError, UnicodeError, OverflowError)


def h5py_module():
    try:
        import h5py
    except ImportError:
        raise ImportError('saving and loading weights needs h5py: pip install h5py')
    return h5py


class Reader(object):
    """Checked access to one open ``h5py.File`` (``path`` is named in every error)."""

    def __init__(self, h5file, path):
        self.h5py = h5py_module()
        self.file = h5file
        self.path = path
        try:
            self.file_size = os.path.getsize(path)
        except OSError:
            self.file_size = 0

    def error(self, where, problem):
        return ModelFileError('%s: %s: %s' % (self.path, where, problem))

    # --- attributes --------------------------------------------------------------------
    def attr(self, obj, name, where, required=True):
        """The value of attribute ``name`` of ``obj`` (None if absent and not required)."""
        try:
            if name not in obj.attrs:
                if required:
                    raise self.error(where, 'attribute %r is missing' % name)
                return None
            aid = obj.attrs.get_id(name)
            count = int(np.prod(aid.shape)) if aid.shape else 1
            if count * aid.dtype.itemsize > self.file_size + _ATTR_SLACK:
                raise self.error(where, 'attribute %r declares %d bytes, more than the file '
                                 'holds' % (name, count * aid.dtype.itemsize))
            return obj.attrs[name]
        except ModelFileError:
            raise
        except _RECOVERABLE as e:
            raise self.error(where, 'attribute %r cannot be read (%s: %s)'
                             % (name, type(e).__name__, e))

    def text(self, value, where, what):
        if isinstance(value, bytes):
            try:
                return value.decode('utf8')
            except UnicodeDecodeError:
                raise self.error(where, '%s is not UTF-8 text' % what)
        if isinstance(value, str):
            return value
        if isinstance(value, np.ndarray) and value.ndim == 0:
            return self.text(value.item(), where, what)
        raise self.error(where, '%s must be text, the file has %s' % (what, type(value).__name__))

    def text_list(self, obj, name, where, required=True):
        value = self.attr(obj, name, where, required)
        if value is None:
            return []
        array = np.asarray(value)
        if array.ndim != 1:
            raise self.error(where, 'attribute %r must be a list of names, the file has %r'
                             % (name, value))
        return [self.text(v, where, 'an entry of %r' % name) for v in array.tolist()]

    def json_attr(self, obj, name, where, required=True):
        value = self.attr(obj, name, where, required)
        if value is None:
            return None
        text = self.text(value, where, 'attribute %r' % name)
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as e:
            raise self.error(where, 'attribute %r is not valid JSON (%s)' % (name, e))

    # --- objects -----------------------------------------------------------------------
    def child(self, group, name, where, want_group):
        """``group[name]`` (``name`` may contain '/'), following hard links only."""
        node = group
        kind = 'group' if want_group else 'dataset'
        try:
            for part in name.split('/'):
                if part in ('', '.', '..'):
                    raise self.error(where, '%s name %r is not a relative path inside the '
                                     'file' % (kind, name))
                link = node.get(part, getlink=True)
                if link is None:
                    raise self.error(where, '%s %r is missing' % (kind, name))
                if not isinstance(link, self.h5py.HardLink):
                    raise self.error(where, '%r is a %s; minikeras files hold no soft or '
                                     'external links' % (name, type(link).__name__))
                node = node[part]
        except ModelFileError:
            raise
        except _RECOVERABLE as e:
            raise self.error(where, '%s %r cannot be opened (%s: %s)'
                             % (kind, name, type(e).__name__, e))
        want = self.h5py.Group if want_group else self.h5py.Dataset
        if not isinstance(node, want):
            raise self.error(where, '%r should be a %s, the file has a %s'
                             % (name, kind, type(node).__name__))
        if not want_group:
            self._check_storage(node, '%s, dataset %r' % (where, name))
        return node

    def _check_storage(self, ds, where):
        try:
            plist = ds.id.get_create_plist()
            external = plist.get_external_count()
            virtual = getattr(self.h5py.h5d, 'VIRTUAL', None)
            layout = plist.get_layout()
            dtype = ds.dtype
        except _RECOVERABLE as e:
            raise self.error(where, 'its storage cannot be inspected (%s: %s)'
                             % (type(e).__name__, e))
        if external:
            raise self.error(where, 'its data is stored in external file(s); minikeras only '
                             'reads data held inside the file')
        if virtual is not None and layout == virtual:
            raise self.error(where, 'it is a virtual dataset (data mapped from other files); '
                             'minikeras only reads data held inside the file')
        if dtype.kind not in 'fiu' or dtype.names is not None or dtype.subdtype is not None:
            raise self.error(where, 'its dtype is %s; weights are stored as plain float (or '
                             'integer counter) numbers' % (dtype,))

    # --- weight groups -----------------------------------------------------------------
    def weight_group(self, group, where):
        """``[(layer_name, [(weight_name, dataset)])]`` in file order, all checked."""
        layout = self.json_attr(group, 'minikeras_layout', where, required=False)
        if layout is not None:
            from minikeras.saving.hdf5 import LAYOUT
            version = layout.get('version') if isinstance(layout, dict) else layout
            if version != LAYOUT['version']:
                raise self.error(where, 'weight layout version %r; this minikeras reads '
                                 'version %s' % (version, LAYOUT['version']))
        layers = []
        for name in self.text_list(group, 'layer_names', where):
            g = self.child(group, name, where, want_group=True)
            lwhere = '%s, layer %r' % (where, name)
            wnames = self.text_list(g, 'weight_names', lwhere, required=False)
            layers.append((name, [(w, self.child(g, w, lwhere, want_group=False))
                                  for w in wnames]))
        return layers

    def read(self, pairs):
        """``[(variable, numpy value)]`` for ``[(variable, dataset, where)]``, every dataset
        already checked against its variable."""
        out = []
        for variable, ds, where in pairs:
            try:
                value = np.asarray(ds[()])
            except _RECOVERABLE as e:
                raise self.error(where, 'its data cannot be read (%s: %s)'
                                 % (type(e).__name__, e))
            out.append((variable, value))
        return out


# --- matching file datasets to model variables ----------------------------------------
def _last(name):
    return re.sub(r':\d+$', '', name.split('/')[-1])


def _after_layer(name):
    return re.sub(r':\d+$', '', name.split('/', 1)[-1])


def order_by_names(model_names, file_names):
    """Indices into ``file_names`` for each of ``model_names``, matched by recorded name
    (the part after the layer name, then the full suffix) when the names identify the
    weights; the file order otherwise."""
    for key in (_last, _after_layer):
        mk = [key(n) for n in model_names]
        fk = [key(n) for n in file_names]
        if len(set(mk)) == len(mk) and sorted(mk) == sorted(fk):
            return [fk.index(k) for k in mk]
    return list(range(len(file_names)))


def fits(variable_dtype, variable_shape, ds, counter=False):
    """None if dataset ``ds`` can hold the variable's value, else the reason (metadata).
    ``counter``: an optimizer's scalar step counter, which Keras 2 files store as int64."""
    want_float = np.dtype(variable_dtype).kind == 'f'
    kind = ds.dtype.kind
    if counter and ds.shape == () and kind in 'iu':
        return None
    if want_float and kind != 'f':
        return 'the file stores dtype %s for a %s weight' % (ds.dtype, variable_dtype)
    if not want_float and kind not in 'iu':
        return 'the file stores dtype %s for a %s weight' % (ds.dtype, variable_dtype)
    if ds.shape is None or tuple(ds.shape) != tuple(variable_shape):
        return 'the weight has shape %s, the file has shape %s' % (tuple(variable_shape),
                                                                   ds.shape)
    return None
