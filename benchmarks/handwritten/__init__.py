"""Hand-written MNIST-MLP training steps, one module per engine, for benchmarks only."""
