"""Deploy a trained model to the places a Keras model runs, and run it there.

``deploy(model, out, targets)`` (and the ``minikeras-deploy`` command) exports the model
for each target, runs every file in the real runtime of that target as far as this
machine allows, and compares what it computes with ``model.predict``:

- ``serving``: a SavedModel in TF Serving's layout (``serving/<name>/1``), served over
  HTTP with TF Serving's REST API (``tensorflow_model_server`` when installed, else the
  stand-in ``minikeras.backend.tensorflow.serving``) and queried by
  ``serving_client.py``;
- ``tflite``: a TFLite flatbuffer run with LiteRT (``ai-edge-litert``) on this CPU and,
  when the arm64 Debian root exists (``scripts/arm64-root.sh``), on an emulated arm64
  CPU (qemu-user), as a Raspberry Pi / Android stand-in; with ``quantize``, float16 and
  int8 variants and their accuracy cost;
- ``web``: ONNX plus a static page (``deploy/web``) that classifies the examples with
  ``onnxruntime-web``, run in headless Chromium, and the same model in Node.js
  (``onnxruntime-node``);
- ``coreml``: an ML program (``.mlpackage``) made by coremltools; Linux checks its spec,
  prediction needs macOS.

A target whose tool is missing is reported ``NOT RUN`` with the command that installs
it, never as passed. Works for a model trained on any engine: the exports go through
``minikeras.export`` (the TensorFlow interpreter when the engine is another one).
"""
import os
import platform
import shutil
import time

import numpy as np

from minikeras import export
from minikeras.deploy import checks, web
from minikeras.deploy.checks import NotRun, TOLERANCE

__all__ = ['TARGETS', 'TOLERANCE', 'NotRun', 'deploy', 'format_table', 'coreml_summary']

TARGETS = ('serving', 'tflite', 'web', 'coreml')
coreml_summary = checks.coreml_summary


def _size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for folder, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(folder, f)) for f in files)
    return total


def _diff(got, want, names):
    """Largest |got - want| over every output (got: output name -> array)."""
    worst = 0.
    for name, w in zip(names, want):
        if name not in got:
            raise checks.CheckError('the runtime gave no output %r (it gave %s)'
                                    % (name, sorted(got)))
        g = np.asarray(got[name], dtype=np.float64)
        if g.shape != np.shape(w):
            raise checks.CheckError('output %r has shape %s, predict gives %s'
                                    % (name, g.shape, np.shape(w)))
        worst = max(worst, float(np.max(np.abs(g - np.asarray(w, np.float64)))))
    return worst


class _Run(object):
    """One deploy run: the model, its reference outputs and the table rows."""

    def __init__(self, model, out, feeds, labels, log):
        self.model, self.out, self.feeds, self.labels, self.log = model, out, feeds, labels, log
        self.names = export.output_names(model)
        arrays = [feeds[n] for n in export.input_names(model)]
        want = model.predict(arrays if len(arrays) > 1 else arrays[0])
        self.want = want if isinstance(want, list) else [want]
        self.rows = []

    def row(self, target, path, check, judged=True):
        """Run ``check()`` -> (outputs dict or None, where, note); add the table row."""
        start = time.time()
        row = {'target': target, 'file': os.path.relpath(path, self.out), 'size': None,
               'max_abs_diff': None, 'where': '', 'status': 'ok', 'note': ''}
        try:
            got, row['where'], row['note'] = check()
            if got is not None:
                row['max_abs_diff'] = _diff(got, self.want, self.names)
                if judged and row['max_abs_diff'] > TOLERANCE:
                    row['status'] = 'FAILED'
                    row['note'] = ('max |diff| %.3g > %g. ' % (row['max_abs_diff'], TOLERANCE)
                                   + row['note']).strip()
            elif judged:
                row['status'] = 'checked'
        except NotRun as e:
            row.update(status='NOT RUN', where=e.where, note=str(e))
        except ImportError as e:     # a converter package missing: say what installs it
            row.update(status='NOT RUN', where='not run', note=str(e))
        except Exception as e:   # a failed target is a row, the others still run
            row.update(status='FAILED', note='%s: %s' % (type(e).__name__, e))
        if os.path.exists(path):
            row['size'] = _size(path)
        if not judged and row['status'] == 'ok':
            row['status'] = 'measured'
        row['seconds'] = round(time.time() - start, 1)
        self.rows.append(row)
        self.log(format_row(row))
        return row

    def export(self, folder, filename, fmt, **options):
        os.makedirs(os.path.join(self.out, folder), exist_ok=True)
        path = os.path.join(self.out, folder, filename)
        return export.export_model(self.model, path, fmt, **options)

    # --- targets ------------------------------------------------------------------------
    def serving(self, name):
        base = os.path.join(self.out, 'serving', name)
        if os.path.isdir(base):
            shutil.rmtree(base)
        os.makedirs(base)
        path = self.export(os.path.join('serving', name), '1', 'saved_model')
        shutil.copy(checks.client_script(), os.path.join(self.out, 'serving', 'client.py'))
        self.row('serving (REST stand-in)', path, lambda: checks.serve_and_query(
            base, name, self.feeds, self.names, real=False))
        self.row('serving (tensorflow_model_server)', path, lambda: checks.serve_and_query(
            base, name, self.feeds, self.names, real=True))

    def tflite(self, name, quantize):
        path = self.export('tflite', name + '.tflite', 'tflite')
        here = {}

        def on_this_cpu():
            result = checks.tflite_here(path, self.feeds)
            here.update(result[0])
            return result

        def on_arm64():
            got, where, note = checks.tflite_arm64(path, self.feeds)
            if here:
                note = 'max |arm64 - x86_64| = %.3g' % _diff(
                    here, [got[n] for n in self.names], self.names)
            return got, where, note
        self.row('tflite (%s)' % platform.machine(), path, on_this_cpu)
        self.row('tflite (arm64, qemu)', path, on_arm64)
        float_top = self._top(self.want[0])
        for mode in quantize:
            options = {'quantize': mode}
            if mode == 'int8':
                options['representative_data'] = self._representative()
            qpath = self.export('tflite', '%s.%s.tflite' % (name, mode), 'tflite', **options)
            self.row('tflite %s (%s)' % (mode, platform.machine()), qpath,
                     lambda: self._quantized(qpath, float_top), judged=False)

    def _representative(self):
        arrays = [self.feeds[n][:200] for n in export.input_names(self.model)]
        return arrays if len(arrays) > 1 else arrays[0]

    @staticmethod
    def _top(values):
        values = np.asarray(values)
        return values.argmax(axis=-1) if values.ndim > 1 and values.shape[-1] > 1 else None

    def _quantized(self, path, float_top):
        got, where, _ = checks.tflite_here(path, self.feeds)
        top = self._top(got[self.names[0]])
        if top is None or float_top is None:
            return got, where, 'accuracy cost: n/a (not a classifier output)'
        agree = float(np.mean(top == float_top))
        note = 'top-1 agrees with float32 on %.2f%% of %d examples' % (100 * agree, len(top))
        if self.labels is not None:
            labels = np.asarray(self.labels).reshape(-1)[:len(top)]
            note += '; accuracy %.2f%% (float32 %.2f%%)' % (
                100 * np.mean(top == labels), 100 * np.mean(float_top == labels))
        return got, where, note

    def web(self, web_dir):
        path = self.export('web', 'model.onnx', 'onnx')
        site = os.path.join(self.out, 'web')
        web.write_web_inputs(site, self.feeds, self.names, self.labels)
        self.row('web (Node.js, onnxruntime-node)', path,
                 lambda: web.web_node(web_dir, path, site))
        self.row('web (headless Chromium, onnxruntime-web)', path,
                 lambda: web.web_browser(web_dir, site))

    def coreml(self, name):
        def convert_and_check():
            path = self.export('coreml', name + '.mlpackage', 'coreml')
            return checks.coreml_check(path, self.model)
        self.row('coreml', os.path.join(self.out, 'coreml', name + '.mlpackage'),
                 convert_and_check)


def deploy(model, out, targets=TARGETS, x=None, labels=None, quantize=(), name=None,
           web_dir=None, log=None):
    """Export ``model`` for ``targets`` into the folder ``out``, run each file where it
    runs and compare with ``model.predict(x)``. Returns the table rows (dicts: target,
    file, size, max_abs_diff, where, status ('ok', 'FAILED', 'NOT RUN', 'checked',
    'measured'), note, seconds)."""
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        raise ValueError('unknown deploy target(s) %s; the targets are %s'
                         % (', '.join(unknown), ', '.join(TARGETS)))
    bad = [q for q in quantize if q not in export.QUANTIZE]
    if bad:
        raise ValueError('quantize takes %s, received %s' % (', '.join(export.QUANTIZE),
                                                              ', '.join(bad)))
    if x is None:
        raise ValueError('deploy needs example inputs x to compare each runtime with '
                         'model.predict')
    arrays = model._inputs(x)
    feeds = dict(zip(export.input_names(model), [np.asarray(a) for a in arrays]))
    out = os.path.abspath(out)
    os.makedirs(out, exist_ok=True)
    name = name or checks.clean_name(model.name)
    run = _Run(model, out, feeds, labels, log or (lambda line: None))
    for target in TARGETS:
        if target not in targets:
            continue
        if target == 'serving':
            run.serving(name)
        elif target == 'tflite':
            run.tflite(name, quantize)
        elif target == 'web':
            run.web(web_dir or web.default_web_dir())
        else:
            run.coreml(name)
    return run.rows


COLUMNS = (('target', 41), ('status', 8), ('file', 30), ('size', 10), ('max|diff|', 10))


def _cells(row):
    size = row['size']
    size = '-' if size is None else ('%.1f MB' % (size / 1e6) if size >= 1e6 else
                                     '%.1f kB' % (size / 1e3))
    diff = '-' if row['max_abs_diff'] is None else '%.2g' % row['max_abs_diff']
    return [row['target'], row['status'], row['file'], size, diff]


def format_row(row, widths=None):
    cells = _cells(row)
    widths = widths or [w for _, w in COLUMNS]
    line = ' '.join(c.ljust(w) for c, w in zip(cells, widths)) + ' ' + row['where']
    if row['note']:
        line += '\n' + ' ' * 4 + row['note']
    return line


def format_table(rows):
    widths = [max([len(h)] + [len(_cells(r)[i]) for r in rows])
              for i, (h, _) in enumerate(COLUMNS)]
    head = ' '.join(h.ljust(w) for (h, _), w in zip(COLUMNS, widths)) + ' where it ran'
    return '\n'.join([head, '-' * len(head)] + [format_row(r, widths) for r in rows])
