"""Post examples to a TensorFlow Serving REST endpoint (or minikeras' stand-in) and print
the predictions. Standard library only: copy it anywhere.

    python serving_client.py --url http://127.0.0.1:8501 --model mnist --input x.npy
    python serving_client.py --url ... --model mnist --json '[[...], [...]]'

``--input`` takes a .npy file or a .json list of instances; ``--out`` writes the
response as JSON. Prints one line per example: the index of the largest output (the
class) and its value."""
import argparse
import json
import sys
from urllib.error import HTTPError
from urllib.request import Request, urlopen


def predict(url, model, instances, timeout=60, signature_name=None):
    """POST {"instances": instances} to <url>/v1/models/<model>:predict; returns the
    decoded response. Raises RuntimeError with the server's error message."""
    body = {'instances': instances}
    if signature_name:
        body['signature_name'] = signature_name
    request = Request('%s/v1/models/%s:predict' % (url.rstrip('/'), model),
                      data=json.dumps(body).encode('utf8'),
                      headers={'Content-Type': 'application/json'})
    try:
        with urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode('utf8'))
    except HTTPError as e:
        raise RuntimeError('%s answered %d: %s' % (request.full_url, e.code,
                                                   e.read().decode('utf8', 'replace')))


def _load(path):
    if path.endswith('.npy'):
        import numpy as np
        return np.load(path, allow_pickle=False).tolist()
    with open(path) as f:
        return json.load(f)


def _argmax(values):
    flat = values
    while isinstance(flat, list) and flat and isinstance(flat[0], list):
        flat = flat[0]
    if not isinstance(flat, list) or not flat:
        return None, flat
    best = max(range(len(flat)), key=lambda i: flat[i])
    return best, flat[best]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url', default='http://127.0.0.1:8501')
    parser.add_argument('--model', required=True)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument('--input', help='a .npy array or a .json list of instances')
    group.add_argument('--json', help='the instances as a JSON list')
    parser.add_argument('--out', help='write the JSON response here')
    args = parser.parse_args(argv)
    instances = json.loads(args.json) if args.json else _load(args.input)
    response = predict(args.url, args.model, instances)
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(response, f)
    for i, row in enumerate(response.get('predictions', [])):
        if isinstance(row, dict):
            print('%d: %s' % (i, ', '.join('%s -> class %s (%.4f)' % ((k,) + _argmax(v))
                                           for k, v in sorted(row.items()))))
        else:
            best, value = _argmax(row)
            print('%d: class %s (%.4f)' % (i, best, value))
    return 0


if __name__ == '__main__':
    sys.exit(main())
