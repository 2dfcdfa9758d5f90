"""Turn the logs of one or more ``run_all.sh`` passes into the Markdown table of RESULTS.md
(medians over the passes given):

    python benchmarks/summarize.py /tmp/minikeras-bench-1 /tmp/minikeras-bench-2
"""
import os
import re
import sys

LANES = ('tensorflow', 'theano', 'pytensor', 'cntk', 'mxnet')
PATTERNS = {
    'engine': re.compile(r'^engine: (.*?), \d+ thread'),
    'mk': re.compile(r'^minikeras step:\s+([\d.]+) ms .*compile ([\d.]+) s'),
    'hw': re.compile(r'^hand-written step:\s+([\d.]+) ms .*compile ([\d.]+) s'),
    'keras': re.compile(r'^Keras reference:\s+([\d.]+) ms .*compile ([\d.]+) s\) \[keras ([\d.]+) '
                        r'on (\w+) ([\w.]+)'),
}


def parse(path):
    out = {}
    with open(path) as f:
        for line in f:
            for key, pattern in PATTERNS.items():
                m = pattern.match(line)
                if m:
                    out[key] = m.groups()
    return out


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    n = len(values)
    return values[n // 2] if n % 2 else 0.5 * (values[n // 2 - 1] + values[n // 2])


def fmt(value, digits=1):
    return '-' if value is None else '%.*f' % (digits, value)


def ratio(a, b):
    return None if a is None or b is None else a / b


def main(dirs):
    print('| model | lane | engine | minikeras ms | hand-written ms | mk / hw | Keras ms '
          '(Keras on) | mk / Keras | compile s: minikeras / hand-written / Keras |')
    print('|---|---|---|---|---|---|---|---|---|')
    for model in ('mlp', 'lstm'):
        for lane in LANES:
            runs = [parse(os.path.join(d, '%s-%s.log' % (lane, model))) for d in dirs
                    if os.path.exists(os.path.join(d, '%s-%s.log' % (lane, model)))]
            runs = [r for r in runs if 'mk' in r]
            if not runs:
                continue

            def col(key, i):
                return median([float(r[key][i]) if key in r else None for r in runs])
            mk, hw, ke = col('mk', 0), col('hw', 0), col('keras', 0)
            keras_on = ''
            if 'keras' in runs[0]:
                g = runs[0]['keras']
                keras_on = ' (%s %s %s)' % ('keras-mxnet' if g[3] == 'mxnet' else 'Keras ' + g[2],
                                            g[3], g[4])
            print('| %s | %s | %s | %s | %s | %s | %s%s | %s | %s / %s / %s |' % (
                model, lane, runs[0].get('engine', ('?',))[0], fmt(mk), fmt(hw),
                fmt(ratio(mk, hw), 2), fmt(ke), keras_on, fmt(ratio(mk, ke), 2),
                fmt(col('mk', 1), 2), fmt(col('hw', 1), 2), fmt(col('keras', 1), 2)))
    print()
    print('Medians over %d pass(es): %s' % (len(dirs), ', '.join(dirs)))


if __name__ == '__main__':
    if len(sys.argv) < 2:
        raise SystemExit('usage: summarize.py LOG_DIR [LOG_DIR ...] (folders written by '
                         'run_all.sh)')
    main(sys.argv[1:])
