"""Keras 2.3.1 ``keras.utils.multi_gpu_utils``."""


def multi_gpu_model(model, gpus=None, cpu_merge=True, cpu_relocation=False):
    """Keras 2.3.1's signature. Data-parallel replication is not implemented in minikeras
    yet: after Keras's own argument checks this raises NotImplementedError (train the
    model as it is; every engine runs it on one device)."""
    if isinstance(gpus, (list, tuple)):
        if len(gpus) <= 1:
            raise ValueError('For multi-gpu usage to be effective, call `multi_gpu_model` '
                             'with `len(gpus) >= 2`. Received: `gpus=%s`' % (gpus,))
    elif gpus is not None and gpus <= 1:
        raise ValueError('For multi-gpu usage to be effective, call `multi_gpu_model` '
                         'with `gpus >= 2`. Received: `gpus=%s`' % (gpus,))
    raise NotImplementedError(
        'multi_gpu_model(%s, gpus=%r): replicating a model over several GPUs is not '
        'implemented in minikeras (Keras 2.3.1 offers it on TensorFlow with 2 or more '
        'GPUs only). Use the model directly; it runs on one device of the active engine.'
        % (getattr(model, 'name', model), gpus))
