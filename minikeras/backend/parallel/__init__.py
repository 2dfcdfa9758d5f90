"""The engine-free runtime under data-parallel training: the ``Communicator`` interface
and its errors (``communicator``), the MPI communicator (``mpi``) and the status files a
worker leaves for ``minikeras-launch`` (``status``). The engines' ``distribute`` ops build
on it; ``minikeras.distribute`` (the user's API, above the backend) re-exports it."""
