"""``python _tflite_run.py MODEL.tflite INPUTS.npz OUTPUTS.npz``: run a TFLite model's
``serving_default`` signature with LiteRT (``ai_edge_litert``) and print one JSON line
(machine, Python, LiteRT and NumPy versions). Needs only numpy and ai-edge-litert, no
minikeras: it runs inside the arm64 Debian root under qemu-user."""
import json
import os
import platform
import sys

import numpy as np


if __name__ == '__main__' and sys.path and \
        os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]   # this folder's modules (web.py, cli.py, ...) are not top-level modules

def main(model, inputs, outputs):
    from ai_edge_litert.interpreter import Interpreter
    try:
        from importlib import metadata
        litert = metadata.version('ai-edge-litert')
    except Exception:
        litert = '?'
    runner = Interpreter(model_path=model).get_signature_runner('serving_default')
    details = runner.get_input_details()
    with np.load(inputs, allow_pickle=False) as f:
        feeds = dict((k, f[k].astype(details[k]['dtype'])) for k in f.files)
    np.savez(outputs, **runner(**feeds))
    print(json.dumps({'machine': platform.machine(), 'python': platform.python_version(),
                      'litert': litert, 'numpy': np.__version__}))
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.stderr.write('usage: python _tflite_run.py MODEL.tflite INPUTS.npz OUTPUTS.npz\n')
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
