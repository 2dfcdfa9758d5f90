"""Shared command-line options for the examples (epochs, samples, quiet, plot)."""
import argparse


def parse_args(description, epochs, extra=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--plot', metavar='PNG', default=None,
                        help='write the training curves (loss and accuracy) to this PNG file')
    if extra is not None:
        extra(parser)
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


def plot_history(history, path, title):
    """Loss and accuracy per epoch (training and validation) as a PNG, with matplotlib."""
    try:
        import matplotlib
    except ImportError:
        raise SystemExit('--plot needs matplotlib: pip install matplotlib')
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator
    curves = history.history
    kinds = [k for k in ('loss', 'accuracy', 'acc') if k in curves]
    fig, axes = plt.subplots(1, len(kinds), figsize=(5 * len(kinds), 3.5), squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        epochs = range(1, len(curves[kind]) + 1)
        ax.plot(epochs, curves[kind], 'o-', label='training')
        if 'val_' + kind in curves:
            ax.plot(epochs, curves['val_' + kind], 's--', label='validation')
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel('epoch')
        ax.set_ylabel(kind)
        ax.legend()
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print('training curves written to %s' % path)
