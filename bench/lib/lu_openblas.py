# OpenBLAS's LU through SciPy, for bench/lu.mjs: a long-running process that answers one
# line per request on stdin, "n reps kind seed", with the time of one batch: seconds per
# call over `reps` calls in a loop, timed inside Python with perf_counter.
#   kind = lu_factor: scipy.linalg.lu_factor(A, check_finite=False) on a C-ordered (row-major)
#          array, as a user calls it (it copies A into Fortran order, then calls dgetrf);
#   kind = dgetrf:    scipy.linalg.lapack.dgetrf on a Fortran-ordered copy (overwrite_a=0:
#          one contiguous copy, then dgetrf), the least Python can add.
# Start it with OPENBLAS_NUM_THREADS=1 for one thread. The first line it prints describes
# the library.
import sys
import time

import numpy as np
import scipy
import scipy.linalg
from scipy.linalg import lapack

blas = scipy.__config__.CONFIG["Build Dependencies"]["blas"]
print(f"scipy {scipy.__version__}, numpy {np.__version__}, {blas['name']} {blas['version']}", flush=True)

cache = {}
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    n, reps, kind, seed = int(parts[0]), int(parts[1]), parts[2], int(parts[3])
    key = (n, seed)
    if key not in cache:
        rng = np.random.default_rng(seed)
        a = rng.uniform(-1.0, 1.0, (n, n))
        cache[key] = (a, np.asfortranarray(a))
    a, af = cache[key]
    if kind == "lu_factor":
        t0 = time.perf_counter()
        for _ in range(reps):
            scipy.linalg.lu_factor(a, check_finite=False)
        t = time.perf_counter() - t0
    elif kind == "dgetrf":
        t0 = time.perf_counter()
        for _ in range(reps):
            lapack.dgetrf(af)
        t = time.perf_counter() - t0
    else:
        raise SystemExit(f"unknown kind {kind}")
    print(f"{t / reps:.9e}", flush=True)
