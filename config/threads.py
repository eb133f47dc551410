"""One compute thread per worker process.

A worker runs as many processes as it has cores; numpy, OpenCV, onnx/litert and
numba's parallel loops each starting a pool per process oversubscribe the CPU
(numba's foreground estimate wasted up to 0.86 CPU-s a job). Every entry point sets
these variables (Dockerfiles, compose, k8s, ``make demo``); ``pin()`` is the
fallback for a worker started by hand, and must run before those libraries load.
"""

from __future__ import annotations

import os

VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


def pin(threads: int = 1) -> None:
    for name in VARIABLES:
        os.environ.setdefault(name, str(threads))
