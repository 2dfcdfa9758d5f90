"""The export subprocess: ``python .../minikeras/export/_worker.py JOB.json`` runs one job;
``... _worker.py --serve`` runs jobs whose file paths arrive on stdin (``_pool``).

Run as a script, not with ``-m``: importing anything from the package loads the engine,
and this script must catch an engine that cannot load (to report it as 'no-engine').

Started by ``minikeras.export`` with ``KERAS_BACKEND`` set to the export engine when the
model lives on another engine. Actions: 'export' (load the h5 model, export it) and
'run' (run an exported file on inputs from an .npz, write outputs to an .npz). The result
(status, error type and message) goes to the job's result file as JSON; status
'no-engine' means this Python cannot load the export engine, so the caller tries the next
interpreter. When serving, each job is answered with a line ``done`` on stdout once its
result is written (what the job prints goes to stderr); a worker that cannot load the
engine writes that result and exits without answering; stdin closing ends the worker."""
import json
import os
import sys
import traceback

if __name__ == '__main__' and sys.path and \
        os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]   # the script's folder is not a place to import from


def _write(path, result):
    with open(path, 'w') as f:
        json.dump(result, f)


def _job(path):
    """Run the job in the JSON file ``path``; returns its status: 'ok', 'error' or
    'no-engine'."""
    with open(path) as f:
        job = json.load(f)
    result_file = job['result']
    try:
        import minikeras.backend as K
    except Exception as e:  # the export engine cannot load in this Python
        _write(result_file, {'status': 'no-engine', 'message': '%s: %s'
                             % (type(e).__name__, str(e).splitlines()[0] if str(e) else '')})
        return 'no-engine'
    try:
        K.clear_session()     # nothing of an earlier job's models stays in the graph
        settings = job.get('settings') or {}
        if settings:
            K.set_floatx(settings['floatx'])
            K.set_epsilon(settings['epsilon'])
            K.set_image_data_format(settings['image_data_format'])
        result = _run(job)
        result['status'] = 'ok'
    except Exception as e:
        result = {'status': 'error', 'type': type(e).__name__, 'message': str(e),
                  'traceback': traceback.format_exc()}
    _write(result_file, result)
    return result['status']


def _serve():
    answers = os.fdopen(os.dup(1), 'w')
    os.dup2(2, 1)          # what the export prints must not mix with the answers
    for line in sys.stdin:
        if not line.strip():
            continue
        if _job(json.loads(line)) == 'no-engine':
            return 3
        answers.write('done\n')
        answers.flush()
    return 0


def main(argv):
    if argv == ['--serve']:
        return _serve()
    if len(argv) != 1:
        sys.stderr.write('usage: python minikeras/export/_worker.py JOB.json | --serve\n')
        return 2
    return {'ok': 0, 'error': 1, 'no-engine': 3}[_job(argv[0])]


def _run(job):
    import numpy as np
    from minikeras import export
    if job['action'] == 'export':
        from minikeras.models import load_model
        # the file was written moments ago by the exporting process into its private
        # mkdtemp folder: as trusted as that process's own code (its Lambda functions)
        model = load_model(job['model'], compile=False, safe_mode=False)
        if export.input_names(model) != job['input_names'] or \
                export.output_names(model) != job['output_names']:
            raise RuntimeError('the model reloaded from h5 has inputs %s / outputs %s, '
                               'expected %s / %s'
                               % (export.input_names(model), export.output_names(model),
                                  job['input_names'], job['output_names']))
        export._export_here(model, job['path'], job['format'], job.get('options') or {})
        return {}
    if job['action'] == 'run':
        with np.load(job['inputs'], allow_pickle=False) as f:
            feeds = dict((k, f[k]) for k in f.files)
        outputs, runtime = export.run_exported(job['path'], job['format'], feeds)
        np.savez(job['outputs'], **outputs)
        return {'runtime': runtime}
    raise ValueError('unknown export job action %r' % (job['action'],))


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
