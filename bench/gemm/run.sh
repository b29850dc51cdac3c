#!/usr/bin/env bash
# Installs what bench/gemm needs (Debian's numpy and the pthread OpenBLAS,
# selected as the system BLAS) if missing, then runs the GEMM comparison:
# ganada vs numpy/OpenBLAS (OPENBLAS_CORETYPE=SkylakeX) vs vek32.MatMul,
# 1 and 2 threads. Extra arguments go to the Go program (e.g. -seconds 4).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
/usr/bin/python3 -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
if ((${#need[@]})); then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
alt=libblas.so.3-x86_64-linux-gnu
openblas=$(update-alternatives --list "$alt" | grep openblas | head -n1)
if [[ -z "$openblas" ]]; then
	echo "no OpenBLAS alternative for $alt" >&2
	exit 1
fi
if [[ "$(update-alternatives --query "$alt" | sed -n 's/^Value: //p')" != "$openblas" ]]; then
	update-alternatives --set "$alt" "$openblas"
fi
echo "# $alt -> $openblas"
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; >1 means other work shares the cores)"
go run ./gemm "$@"
