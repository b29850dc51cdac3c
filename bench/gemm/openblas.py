"""Times numpy's float32 matmul (OpenBLAS sgemm) for bench/gemm.

Usage: openblas.py M K N SECONDS
Prints one JSON object: the OpenBLAS core and config actually loaded, the
best and median GFLOP/s of C = A(M×K) · B(K×N) over 5 repeats of about
SECONDS/5 each, and the best GFLOP/s by process CPU time (cpu_best; with
one thread it does not count time slices other processes take). The thread count and kernel come from the environment
(OPENBLAS_NUM_THREADS, OPENBLAS_CORETYPE), set by the caller.
"""
import ctypes
import json
import sys
import time

import numpy as np


def openblas_info():
    path = None
    with open("/proc/self/maps") as f:
        for line in f:
            name = line.split()[-1]
            if "libblas" in name or "libopenblas" in name:
                path = name
                break
    info = {"library": path}
    try:
        lib = ctypes.CDLL(path)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        info["core"] = lib.openblas_get_corename().decode()
        info["config"] = lib.openblas_get_config().decode()
        info["threads"] = lib.openblas_get_num_threads()
    except (OSError, AttributeError, TypeError):
        info["core"] = "not OpenBLAS"
    return info


def main():
    m, k, n = (int(v) for v in sys.argv[1:4])
    seconds = float(sys.argv[4])
    rng = np.random.default_rng(1)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=c)
    flops = 2.0 * m * n * k
    # Calibrate the inner loop to about seconds/5.
    reps = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        dt = time.perf_counter() - t0
        if dt > seconds / 5 or reps > 1 << 20:
            break
        reps *= 2
    rates, cpu_rates = [], []
    for _ in range(5):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        rates.append(flops * reps / dt / 1e9)
        cpu_rates.append(flops * reps / dc / 1e9 if dc > 0 else 0)
    rates.sort()
    out = openblas_info()
    out.update({"best": rates[-1], "median": rates[2], "cpu_best": max(cpu_rates)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
