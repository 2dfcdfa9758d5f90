"""A worker of the fault tests: collectives in a loop; one rank stops or dies.

    python collective_worker.py RANK SIGNAL_NAME
"""
import os
import signal
import sys
import time

import numpy as np

from minikeras import distribute

distribute.init()
comm = distribute.communicator()
total = comm.allreduce_sum([np.array([comm.rank + 1.])])[0][0]
assert total == comm.world_size * (comm.world_size + 1) / 2.
for i in range(60):
    comm.allreduce_mean([np.ones(10)])
    if i == 10 and comm.rank == int(sys.argv[1]):
        os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    time.sleep(0.01)
distribute.shutdown()
