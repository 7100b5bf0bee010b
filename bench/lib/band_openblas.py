# LAPACK's banded LU (dgbtrf) through SciPy, for bench/banded.mjs: a long-running process that
# answers one line per request on stdin, "n kl ku reps seed", with seconds per call of
# scipy.linalg.lapack.dgbtrf on LAPACK band storage (kl extra rows of fill-in room), over
# `reps` calls timed inside Python with perf_counter. Start it with OPENBLAS_NUM_THREADS=1.
# The first line it prints describes the library.
import sys
import time

import numpy as np
import scipy
from scipy.linalg import lapack

blas = scipy.__config__.CONFIG["Build Dependencies"]["lapack"]
print(f"scipy {scipy.__version__}, numpy {np.__version__}, LAPACK {blas['name']} {blas['version']}", flush=True)

cache = {}
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    n, kl, ku, reps, seed = (int(x) for x in parts)
    key = (n, kl, ku, seed)
    if key not in cache:
        rng = np.random.default_rng(seed)
        # LAPACK band storage: ab[kl + ku + i - j, j] = A[i, j], with kl rows on top for fill-in.
        ab = np.zeros((2 * kl + ku + 1, n), order="F")
        ab[kl:, :] = rng.uniform(-1.0, 1.0, (kl + ku + 1, n))
        cache[key] = ab
    ab = cache[key]
    t0 = time.perf_counter()
    for _ in range(reps):
        lapack.dgbtrf(ab, kl, ku)
    t = time.perf_counter() - t0
    print(f"{t / reps:.9e}", flush=True)
