#!/usr/bin/python3
"""FAISS side of bench/index/mem.sh: IndexHNSWFlat, IndexHNSWSQ (8-bit
scalar quantiser) and IndexBinaryHNSW on the same fvecs files as the Go
runner, M = 16, efConstruction = 200, cosine as inner product over unit
vectors (binary: the sign bits x > 0, as sentence-transformers'
quantize_embeddings(precision="ubinary"), searched by Hamming distance
without rescoring, which FAISS's binary HNSW does not do).

Run with Debian's python3-faiss (1.7.3) under /usr/bin/python3:

  faiss_hnsw.py build KIND DIR OUT RESULTS THREADS   build on THREADS, write_index
  faiss_hnsw.py serve KIND FILE DIR RESULTS EFS REPS read_index in a process
      holding only the queries: load + first query, then for each ef one
      thread searching all queries in one call (FAISS's own loop, no Python
      per query), recall@10, then VmHWM/RssAnon/RssFile

KIND is flat, sq8 or binary. Results are appended as tab-separated lines in
the Go runner's format (build/file/coldstart/search/memserve).
"""
import os
import resource
import sys
import time

import faiss
import numpy as np


def fvecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    dim = raw[0]
    return raw.reshape(-1, dim + 1)[:, 1:].view(np.float32).copy()


def ivecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    k = raw[0]
    return raw.reshape(-1, k + 1)[:, 1:]


def unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def bits(x):
    return np.packbits(x > 0, axis=1)


def status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip().split()[0] if v.strip() else ""
    return out


def append(res, *fields):
    with open(res, "a") as f:
        f.write("\t".join(str(x) for x in fields) + "\n")


def build(kind, d, out, res, threads):
    base = unit(fvecs(os.path.join(d, "base.fvecs")))
    n, dim = base.shape
    faiss.omp_set_num_threads(threads)
    t0, c0 = time.time(), time.process_time()
    if kind == "flat":
        x = faiss.IndexHNSWFlat(dim, 16, faiss.METRIC_INNER_PRODUCT)
        x.hnsw.efConstruction = 200
        x.add(base)
    elif kind == "sq8":
        x = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, 16, faiss.METRIC_INNER_PRODUCT)
        x.hnsw.efConstruction = 200
        x.train(base)
        x.add(base)
    elif kind == "binary":
        x = faiss.IndexBinaryHNSW(dim, 16)
        x.hnsw.efConstruction = 200
        x.add(bits(base))
    else:
        raise SystemExit("unknown kind " + kind)
    build_s, cpu = time.time() - t0, time.process_time() - c0
    name = "faiss-" + kind
    setname = os.path.basename(os.path.normpath(d))
    print(f"{name} {setname}: built {n}x{dim} in {build_s:.2f}s ({cpu:.2f} CPU s) on {threads} threads")
    append(res, "qbuild", name, setname, build_s, cpu, 0.0)
    if kind == "binary":
        faiss.write_index_binary(x, out)
    else:
        faiss.write_index(x, out)
    size = os.path.getsize(out)
    print(f"{name} {setname}: saved {os.path.basename(out)}, {size} bytes")
    append(res, "file", name, setname, size, 0.0)


def serve(kind, path, d, res, efs, reps):
    q = unit(fvecs(os.path.join(d, "query.fvecs")))
    gt = ivecs(os.path.join(d, "gt.ivecs"))
    faiss.omp_set_num_threads(1)
    name = "faiss-" + kind + "-load"
    setname = os.path.basename(os.path.normpath(d))
    qq = bits(q) if kind == "binary" else q
    st0 = status()
    print(f"{name} {setname}: before read_index (interpreter, numpy, faiss, queries): RssAnon {st0['RssAnon']} kB, RssFile {st0['RssFile']} kB")
    append(res, "baseline", name, setname, st0["RssAnon"], st0["RssFile"])
    t = time.time()
    x = faiss.read_index_binary(path) if kind == "binary" else faiss.read_index(path)
    x.search(qq[:1], 10)
    first = time.time() - t
    print(f"{name} {setname}: load + first query {first:.3f}s")
    append(res, "coldstart", name, setname, first)
    for ef in efs:
        x.hnsw.efSearch = ef
        x.search(qq[:100], 10)  # warm up
        best = best_cpu = 0.0
        for _ in range(reps):
            t, c = time.time(), time.thread_time()
            _, ids = x.search(qq, 10)
            best = max(best, len(qq) / (time.time() - t))
            best_cpu = max(best_cpu, len(qq) / (time.thread_time() - c))
        rec = np.mean([len(set(ids[i]) & set(gt[i, :10])) / 10 for i in range(len(qq))])
        print(f"{name} {setname} ef={ef} recall@10={rec:.4f} qps={best:.0f} cpu-qps={best_cpu:.0f}")
        append(res, "search", name, setname, ef, rec, best, best_cpu)
    st = status()
    print(f"{name} {setname}: VmHWM {st['VmHWM']} kB, RssAnon {st['RssAnon']} kB, RssFile {st['RssFile']} kB at the end")
    append(res, "memserve", name, setname, st["VmHWM"], st["RssAnon"], st["RssFile"])


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 6 and a[0] == "build":
        build(a[1], a[2], a[3], a[4], int(a[5]))
    elif len(a) == 7 and a[0] == "serve":
        serve(a[1], a[2], a[3], a[4], [int(e) for e in a[5].split(",")], int(a[6]))
    else:
        raise SystemExit(__doc__)
