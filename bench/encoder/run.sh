#!/usr/bin/env bash
# Installs what bench/encoder needs, idempotently — the ONNX Runtime shared
# library from the npm package onnxruntime-node (into a cache outside git,
# $GANADA_BENCH_CACHE or ~/.cache/ganada-bench), gcc for cgo and GNU time
# from Debian — then builds and runs the encoder comparison under
# /usr/bin/time -v and prints its peak RSS. Extra arguments go to the
# program, e.g. `bench/encoder/run.sh -engines ort -threads 1 -batches 32`.
set -euo pipefail
cd "$(dirname "$0")/.." # bench/

cache=${GANADA_BENCH_CACHE:-$HOME/.cache/ganada-bench}
# ONNX Runtime 1.30.0 is the newest release and the one the fixtures were
# checked with; onnxruntime_go v1.27.0 (the newest binding) was written
# against 1.24.1 (C API 24), which ORT_VERSION=1.24.1 selects instead.
ort_version=${ORT_VERSION:-1.30.0}
ortdir=$cache/ort
[[ $ort_version == 1.30.0 ]] || ortdir=$cache/ort-$ort_version
lib=$ortdir/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1

need=()
command -v gcc >/dev/null || need+=(gcc)
[[ -x /usr/bin/time ]] || need+=(time)
command -v npm >/dev/null || need+=(npm)
if ((${#need[@]})); then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
if [[ ! -f $lib ]]; then
	mkdir -p "$ortdir"
	(cd "$ortdir" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save --no-audit --no-fund "onnxruntime-node@$ort_version")
fi

go build -o "$cache/encoder" ./encoder
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; >1 means other work shares the cores)"
/usr/bin/time -v -o "$cache/time.txt" "$cache/encoder" -ort-lib "$lib" "$@"
echo "# whole process (/usr/bin/time -v): $(grep 'Maximum resident' "$cache/time.txt" | sed 's/^[[:space:]]*//')"
