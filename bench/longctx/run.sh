#!/usr/bin/env bash
# Builds bench/longctx and runs it: first both engines in one process (speed
# and the max |Δ| between them), then each engine alone per length under
# /usr/bin/time -v for its peak RSS. Needs the ONNX Runtime library that
# bench/encoder/run.sh fetches ($GANADA_BENCH_CACHE/ort, default
# ~/.cache/ganada-bench/ort). Extra arguments go to every run.
set -euo pipefail
cd "$(dirname "$0")/.." # bench/
cache=${GANADA_BENCH_CACHE:-$HOME/.cache/ganada-bench}
lib=$cache/ort/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1
if [[ ! -f $lib ]]; then
	echo "no ONNX Runtime library at $lib: run bench/encoder/run.sh once first" >&2
	exit 1
fi
go build -o "$cache/longctx" ./longctx
"$cache/longctx" -ort-lib "$lib" "$@"
for e in ort ganada; do
	for n in 512 2048 8192; do
		/usr/bin/time -v -o "$cache/longctx-time.txt" "$cache/longctx" -ort-lib "$lib" -engines $e -lengths $n -repeat 1 "$@" >/dev/null
		echo "$e $n tokens: peak RSS $(grep 'Maximum resident' "$cache/longctx-time.txt" | awk '{print $NF}') kB"
	done
done
