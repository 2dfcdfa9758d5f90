"""How much of Keras 2.3.1's public API minikeras has.

Reads tools/keras231_public_names.txt (``keras.module: Name Name ...``), looks each name
up in the matching ``minikeras`` module and prints, per module, the names found and the
names missing, then the total. Runs on the cheapest engine (NumPy reference) unless
KERAS_BACKEND says otherwise.

    python tools/keras_api_coverage.py            # summary + missing names
    python tools/keras_api_coverage.py --quiet    # totals only
    python tools/keras_api_coverage.py --min 95   # exit 1 below 95 %
"""
import argparse
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES_FILE = os.path.join(HERE, 'keras231_public_names.txt')


def read_names(path=NAMES_FILE):
    """[(keras_module, [names])] in file order."""
    out = []
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            module, _, names = line.partition(':')
            out.append((module.strip(), names.split()))
    return out


def minikeras_module(keras_module):
    return 'minikeras' + keras_module[len('keras'):]


def check(entries):
    """[(keras_module, present_names, missing_names, error)]"""
    results = []
    for module, names in entries:
        try:
            mod = importlib.import_module(minikeras_module(module))
        except ImportError as e:
            results.append((module, [], list(names), str(e)))
            continue
        present = [n for n in names if hasattr(mod, n)]
        missing = [n for n in names if not hasattr(mod, n)]
        results.append((module, present, missing, None))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quiet', action='store_true')
    parser.add_argument('--min', type=float, default=None,
                        help='exit with status 1 if coverage (percent) is below this')
    args = parser.parse_args(argv)
    os.environ.setdefault('KERAS_BACKEND', 'numpy')
    sys.path.insert(0, os.path.dirname(HERE))
    results = check(read_names())
    total = sum(len(p) + len(m) for _, p, m, _ in results)
    found = sum(len(p) for _, p, _, _ in results)
    for module, present, missing, error in results:
        if args.quiet:
            continue
        n = len(present) + len(missing)
        line = '%-36s %3d/%-3d' % (module, len(present), n)
        if error:
            line += '  module missing: %s' % error
        elif missing:
            line += '  missing: ' + ' '.join(missing)
        print(line)
    pct = 100.0 * found / total if total else 100.0
    print('Keras 2.3.1 public names present in minikeras: %d of %d (%.1f %%)'
          % (found, total, pct))
    if args.min is not None and pct < args.min:
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
