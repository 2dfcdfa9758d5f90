"""``minikeras-run script.py [args]`` / ``python -m minikeras.run script.py [args]``:
run an unchanged Keras 2 script with ``import keras`` resolving to minikeras.

``minikeras-run -m package.module [args]`` runs a module the same way (like ``python -m``).
The script runs as ``__main__`` with ``sys.argv`` = [script, args...] and its own folder
first on ``sys.path``, as ``python script.py`` would.
"""
import os
import runpy
import sys

USAGE = ('usage: minikeras-run SCRIPT.py [ARGS...]\n'
         '       minikeras-run -m MODULE [ARGS...]\n'
         'Runs a Keras 2 script unchanged: `import keras` gives minikeras in that process.')


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ('-h', '--help'):
        print(USAGE)
        return 0 if argv else 2
    from minikeras.keras_alias import install_keras_alias
    if argv[0] == '-m':
        if len(argv) < 2:
            sys.stderr.write('minikeras-run: -m needs a module name\n' + USAGE + '\n')
            return 2
        install_keras_alias()
        sys.argv = argv[1:]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(argv[1], run_name='__main__', alter_sys=True)
        return 0
    script = argv[0]
    if not os.path.exists(script):
        sys.stderr.write('minikeras-run: no such script: %r\n' % script)
        return 2
    install_keras_alias()
    sys.argv = argv
    script_dir = os.path.dirname(os.path.abspath(script))
    sys.path.insert(0, script_dir)
    runpy.run_path(script, run_name='__main__')
    return 0


if __name__ == '__main__':
    sys.exit(main())
