"""Keras 2.3.1 ``keras.utils.multi_gpu_utils``."""


def multi_gpu_model(model, gpus=None, cpu_merge=True, cpu_relocation=False):
    """Keras 2.3.1's signature: a model that runs ``model`` on ``gpus`` devices, each
    replica on a slice of the batch. After Keras's own argument checks the active engine
    replicates it (``K.device_replicas``: TensorFlow's device replication); an engine
    without one raises NotImplementedError naming the alternative (data-parallel
    processes with ``minikeras-launch``, docs/DISTRIBUTED.md)."""
    if isinstance(gpus, (list, tuple)):
        if len(gpus) <= 1:
            raise ValueError('For multi-gpu usage to be effective, call `multi_gpu_model` '
                             'with `len(gpus) >= 2`. Received: `gpus=%s`' % (gpus,))
    elif gpus is not None and gpus <= 1:
        raise ValueError('For multi-gpu usage to be effective, call `multi_gpu_model` '
                         'with `gpus >= 2`. Received: `gpus=%s`' % (gpus,))
    import minikeras.backend as K
    from minikeras.models.distributed import replicated_model
    return replicated_model(model, K.device_replicas(gpus, cpu_merge, cpu_relocation))
