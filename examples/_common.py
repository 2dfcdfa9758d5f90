"""Shared command-line options for the examples (epochs, samples, quiet)."""
import argparse


def parse_args(description, epochs):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--epochs', type=int, default=epochs)
    parser.add_argument('--samples', type=int, default=None,
                        help='train on at most this many training images (smoke runs)')
    parser.add_argument('--verbose', type=int, default=1, choices=(0, 1, 2))
    parser.add_argument('--seed', type=int, default=None,
                        help='seed numpy (and so initial weights, shuffling, dropout)')
    args = parser.parse_args()
    if args.seed is not None:
        import numpy as np
        np.random.seed(args.seed)
    return args
