"""compare_backends: run one saved model on every engine and compare each layer's output
with the NumPy reference engine.

    minikeras-compare model.h5 input.npy [--engines tensorflow,cntk] [--python cntk=/path]
    python -m minikeras.utils.compare model.h5 input.npy

Each engine runs in its own Python process (engines are chosen once per process): the
current interpreter, the interpreter given with ``--python ENGINE=PATH``, or the test
matrix's environment for that engine (``$MINIKERAS_CACHE/envs/<lane>-*``). The report
gives, per engine and layer, the largest absolute difference from the reference, and
flags the first layer whose difference exceeds the tolerance.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

from minikeras.backend.engines import ENGINES

REFERENCE = 'numpy'


def layer_outputs(model_path, x):
    """Outputs of every layer (first call) of the saved model on ``x``, on the active
    engine: a list of (layer name, array)."""
    from minikeras.layers.input_layer import InputLayer
    from minikeras.models import Model, load_model
    model = load_model(model_path, compile=False)
    layers = [l for l in model.layers if not isinstance(l, InputLayer)]
    outputs = [l.output for l in layers]
    probe = Model(model.inputs, outputs)
    values = probe.predict(x, batch_size=len(x) if not isinstance(x, list) else len(x[0]))
    if len(layers) == 1:
        values = [values]
    return [(l.name, np.asarray(v)) for l, v in zip(layers, values)]


def _worker(model_path, x_path, out_path):
    x = np.load(x_path)
    import minikeras.backend as K
    result = layer_outputs(model_path, x)
    np.savez(out_path, **dict(('%03d' % i, v) for i, (_, v) in enumerate(result)))
    with open(out_path + '.json', 'w') as f:
        json.dump({'names': [n for n, _ in result], 'engine': K.backend(),
                   'version': K.engine_info().get('version'),
                   'implementation': K.engine_info().get('implementation')}, f)


def cached_pythons():
    """engine -> interpreter of the test matrix's cached environments, where built."""
    cache = os.environ.get('MINIKERAS_CACHE') or os.path.join(os.path.expanduser('~'),
                                                              '.cache', 'minikeras')
    found = {}
    for engine, info in ENGINES.items():
        for lane in info.get('lanes', ()):
            for env in sorted(glob.glob(os.path.join(cache, 'envs', lane + '-*'))):
                python = os.path.join(env, 'bin', 'python')
                if os.path.exists(python):
                    found.setdefault(engine, python)
    return found


def run_engine(engine, python, model_path, x_path, workdir):
    out = os.path.join(workdir, engine + '.npz')
    env = dict(os.environ, KERAS_BACKEND=engine)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env['PYTHONPATH'] = root + os.pathsep + env.get('PYTHONPATH', '')
    proc = subprocess.Popen([python, '-m', 'minikeras.utils.compare', '--worker', model_path,
                             x_path, out], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)
    _, err = proc.communicate()
    if proc.returncode != 0:
        lines = [l for l in err.strip().splitlines() if l.strip()]
        return {'status': 'not run', 'reason': lines[-1] if lines else 'exit %d' % proc.returncode}
    with open(out + '.json') as f:
        meta = json.load(f)
    data = np.load(out)
    meta['outputs'] = [data['%03d' % i] for i in range(len(meta['names']))]
    meta['status'] = 'ran'
    meta['python'] = python
    return meta


def compare_backends(model_path, x, engines=None, pythons=None, rtol=1e-5, atol=1e-5):
    """Run ``model_path`` on ``x`` under each engine and compare with the reference.

    Returns ``{engine: {'status', 'layers': [(name, max_abs_diff, ok)], 'first_divergent',
    ...}}``; an engine that cannot run here has status 'not run' and a reason."""
    engines = [e for e in (engines or sorted(ENGINES)) if e != REFERENCE]
    found = cached_pythons()
    found.update(pythons or {})
    workdir = tempfile.mkdtemp(prefix='minikeras-compare-')
    x_path = os.path.join(workdir, 'x.npy')
    np.save(x_path, np.asarray(x))
    model_path = os.path.abspath(model_path)
    ref = run_engine(REFERENCE, sys.executable, model_path, x_path, workdir)
    if ref['status'] != 'ran':
        raise RuntimeError('the NumPy reference could not run the model: %s' % ref['reason'])
    report = {REFERENCE: ref}
    for engine in engines:
        python = found.get(engine, sys.executable)
        result = run_engine(engine, python, model_path, x_path, workdir)
        if result['status'] == 'ran':
            rows, first = [], None
            for name, got, want in zip(ref['names'], result['outputs'], ref['outputs']):
                diff = float(np.max(np.abs(got.astype('float64') - want))) if got.size else 0.
                ok = bool(np.allclose(got, want, rtol=rtol, atol=atol))
                rows.append((name, diff, ok))
                if not ok and first is None:
                    first = name
            result['layers'] = rows
            result['first_divergent'] = first
        report[engine] = result
    return report


def format_report(report):
    lines = []
    ref = report[REFERENCE]
    lines.append('reference: NumPy engine (%s layers)' % len(ref['names']))
    for engine, result in sorted(report.items()):
        if engine == REFERENCE:
            continue
        if result['status'] != 'ran':
            lines.append('%-11s not run: %s' % (engine, result['reason']))
            continue
        verdict = 'matches' if result['first_divergent'] is None else \
            'DIVERGES first at layer %s' % result['first_divergent']
        lines.append('%-11s %s %s: %s' % (engine, result.get('implementation') or engine,
                                          result.get('version') or '', verdict))
        for name, diff, ok in result['layers']:
            lines.append('    %-28s max |diff| %.3g%s'
                         % (name, diff, '' if ok else '   <-- diverges'))
    return '\n'.join(lines)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == '--worker':
        _worker(*argv[1:4])
        return 0
    parser = argparse.ArgumentParser(prog='minikeras-compare', description=__doc__.splitlines()[0])
    parser.add_argument('model', help='a model file written by model.save()')
    parser.add_argument('input', help='a .npy file with a batch of inputs')
    parser.add_argument('--engines', default=None,
                        help='comma-separated engines (default: all known)')
    parser.add_argument('--python', action='append', default=[], metavar='ENGINE=PATH',
                        help='interpreter to run ENGINE with (repeatable)')
    args = parser.parse_args(argv)
    pythons = {}
    for item in args.python:
        if '=' not in item:
            parser.error('--python expects ENGINE=PATH, received %r' % item)
        engine, path = item.split('=', 1)
        pythons[engine] = path
    engines = args.engines.split(',') if args.engines else None
    report = compare_backends(args.model, np.load(args.input), engines, pythons)
    print(format_report(report))
    diverged = [e for e, r in report.items() if r.get('first_divergent')]
    return 1 if diverged else 0


if __name__ == '__main__':
    sys.exit(main())
