"""``python -m minikeras.deploy model.h5 --targets ... --out dist/`` (see cli.py)."""
import sys

from minikeras.deploy.cli import main

sys.exit(main())
