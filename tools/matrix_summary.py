"""Print the test matrix's summary table from the per-lane results of noxfile.py.

Usage: python tools/matrix_summary.py RESULTS_DIR LANE...

Reads RESULTS_DIR/<lane>/status.json and junit.xml for each LANE, prints one table
(lane x python x engine version x passed/failed/errors/skipped/xfailed/status) and ends
with the plain line ``matrix: <P> passed, <F> failed`` that CI reads. F counts failed
and erroring tests, plus one for each runnable lane that produced no failing test yet
did not pass (environment build failure, no tests collected, crash).

Exit status: 0 when every lane that can run on this machine passed (lanes NOT RUN
because their Python is missing do not fail the matrix), 1 otherwise.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

COLUMNS = ('lane', 'python', 'backend', 'engine', 'passed', 'failed', 'errors', 'skipped',
           'xfailed', 'build s', 'test s', 'result')


def count_junit(path):
    """Counts per outcome from a pytest junit XML file (xunit1 or xunit2)."""
    counts = {'passed': 0, 'failed': 0, 'errors': 0, 'skipped': 0, 'xfailed': 0}
    root = ET.parse(path).getroot()
    for case in root.iter('testcase'):
        failures = case.findall('failure')
        errors = case.findall('error')
        skipped = case.findall('skipped')
        counts['failed'] += len(failures)
        counts['errors'] += len(errors)
        for s in skipped:
            if s.get('type') == 'pytest.xfail':
                counts['xfailed'] += 1
            else:
                counts['skipped'] += 1
        if not (failures or errors or skipped):
            counts['passed'] += 1
    return counts


def lane_row(results, lane):
    """(row dict, lane verdict) where verdict is 'pass', 'fail', 'not_run' or 'built'."""
    status_path = os.path.join(results, lane, 'status.json')
    try:
        with open(status_path) as f:
            status = json.load(f)
    except (OSError, ValueError):
        status = {'state': 'missing',
                  'reason': 'no results (%s missing: the lane did not start)' % status_path}
    row = {'lane': lane, 'python': status.get('python', '?'),
           'backend': status.get('backend', '?'),
           'engine': '%s %s' % (status.get('engine', '?'), status.get('engine_version', '')),
           'build s': _seconds(status.get('build_seconds')),
           'test s': _seconds(status.get('test_seconds'))}
    counts = dict.fromkeys(('passed', 'failed', 'errors', 'skipped', 'xfailed'), 0)
    junit = os.path.join(results, lane, 'junit.xml')
    state = status.get('state')
    junit_problem = None
    if state in ('tested', 'crashed') and os.path.exists(junit):
        try:
            counts = count_junit(junit)
        except (OSError, ET.ParseError) as e:
            junit_problem = 'unreadable junit.xml: %s' % e
    row.update(counts)
    rc = status.get('pytest_rc')
    if state == 'not_run':
        verdict, text = 'not_run', 'NOT RUN: ' + status.get('reason', '')
        for k in counts:
            row[k] = '-'
    elif state == 'built':
        verdict, text = 'built', 'built (tests not run)'
    elif state == 'tested' and rc == 0 and not junit_problem:
        verdict, text = 'pass', 'ok'
    elif state == 'tested' and rc == 1 and not junit_problem:
        verdict, text = 'fail', 'FAILED'
    else:
        verdict = 'fail'
        text = 'FAILED: ' + (junit_problem or status.get('reason') or 'state %s' % state)
    row['result'] = text
    return row, verdict


def _seconds(value):
    return '' if value is None else '%.0f' % value


def format_table(rows):
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in COLUMNS[:-1]]
    lines = ['  '.join(c.ljust(w) for c, w in zip(COLUMNS[:-1], widths)) + '  ' + COLUMNS[-1]]
    lines.append('  '.join('-' * w for w in widths) + '  ' + '-' * len(COLUMNS[-1]))
    for r in rows:
        lines.append('  '.join(str(r[c]).ljust(w) for c, w in zip(COLUMNS[:-1], widths))
                     + '  ' + r['result'])
    return '\n'.join(lines)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    results, lanes = argv[0], argv[1:]
    rows, verdicts = [], []
    for lane in lanes:
        row, verdict = lane_row(results, lane)
        rows.append(row)
        verdicts.append(verdict)
    passed = sum(r['passed'] for r, v in zip(rows, verdicts) if v != 'not_run')
    failed = 0
    for r, v in zip(rows, verdicts):
        if v == 'not_run':
            continue
        bad_tests = r['failed'] + r['errors']
        failed += bad_tests
        if v == 'fail' and bad_tests == 0:
            failed += 1   # the lane failed without a failing test: count it once
    print('')
    print('test matrix (results in %s)' % results)
    print(format_table(rows))
    not_run = [r['lane'] for r, v in zip(rows, verdicts) if v == 'not_run']
    bad = [r['lane'] for r, v in zip(rows, verdicts) if v == 'fail']
    if not_run:
        print('lanes NOT RUN (their Python is missing here): %s' % ', '.join(not_run))
    if bad:
        print('lanes FAILED: %s' % ', '.join(bad))
    print('matrix: %d passed, %d failed' % (passed, failed))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
