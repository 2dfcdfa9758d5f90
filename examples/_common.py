"""Shared command-line options for the examples (epochs, samples, quiet)."""
import argparse


def parse_args(description, epochs):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--epochs', type=int, default=epochs)
    parser.add_argument('--samples', type=int, default=None,
                        help='train on at most this many training images (smoke runs)')
    parser.add_argument('--verbose', type=int, default=1, choices=(0, 1, 2))
    return parser.parse_args()
