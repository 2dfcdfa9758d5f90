"""Stands for attacker code a crafted model file names: importing this module or calling
``touch`` writes the marker file named by $MINIKERAS_TEST_MARKER. Safe mode must never
let that happen. (Not a test module: only crafted configs refer to it.)"""
import os


def _mark(what):
    marker = os.environ.get('MINIKERAS_TEST_MARKER')
    if marker:
        with open(marker, 'a') as f:
            f.write(what + '\n')


_mark('imported')


def touch(x, *args, **kwargs):
    _mark('called')
    return x
