#!/usr/bin/env bash
# Fetches the ONNX Runtime shared library from the npm package
# onnxruntime-node into a cache outside git ($GANADA_BENCH_CACHE or
# ~/.cache/ganada-bench), checks for gcc (cgo), GNU time and npm (it names
# the Debian packages to install when one is missing; it installs no system
# package itself), then builds and runs the encoder comparison under
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

# What this needs from the system; it installs no system package itself.
missing=()
command -v gcc >/dev/null || missing+=(gcc)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
	echo "bench/encoder needs: ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
	exit 1
fi
if [[ ! -f $lib ]]; then
	mkdir -p "$ortdir"
	(cd "$ortdir" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save --no-audit --no-fund "onnxruntime-node@$ort_version")
fi

go build -o "$cache/encoder" ./encoder
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; >1 means other work shares the cores)"
/usr/bin/time -v -o "$cache/time.txt" "$cache/encoder" -ort-lib "$lib" "$@"
echo "# whole process (/usr/bin/time -v): $(grep 'Maximum resident' "$cache/time.txt" | sed 's/^[[:space:]]*//')"
