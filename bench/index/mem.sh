#!/usr/bin/env bash
# Memory, file size and cold start of quantised HNSW against hnswlib and
# FAISS, on the synth set (100k×384, made by run.sh or here), M=16,
# efConstruction=200, 2-thread builds:
#   build  ganada (float32 graph, then Reconfigured and saved once per
#          quantisation: the same graph), hnswlib (saveIndex), FAISS
#          IndexHNSWFlat, IndexHNSWSQ (QT_8bit) and IndexBinaryHNSW
#          (write_index), each under /usr/bin/time for peak RSS;
#   serve  each saved file in a fresh process that holds only the queries:
#          load (or, for ganada, also hnsw.Open: memory-mapped) + first
#          query, the single-thread ef ladder, then VmHWM and RssAnon/RssFile
#          from /proc/self/status. Peers are interleaved.
# Environment: EFS (default 10,20,40,80,160,320), REPS (1), THREADS (2),
# QUANT (default int8+r20,int8,binary+r400: files that keep the float32
# vectors), DROP (default int8+drop binary+drop: the same graph saved
# WithoutVectors, codes only, each made from the float32 file). Needs libhnswlib-dev, g++,
# time and python3-faiss (Debian; /usr/bin/python3); installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/index
mkdir -p "$out"
EFS=${EFS:-10,20,40,80,160,320}
REPS=${REPS:-1}
THREADS=${THREADS:-2}
QUANT=${QUANT-int8+r20,int8,binary+r400}
DROP=${DROP-int8+drop binary+drop}
py=/usr/bin/python3
missing=()
[[ -f /usr/include/hnswlib/hnswalg.h ]] || missing+=(libhnswlib-dev)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v g++ >/dev/null || missing+=(g++)
$py -c 'import faiss' 2>/dev/null || missing+=(python3-faiss)
if ((${#missing[@]})); then
	echo "bench/index/mem.sh needs: ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
	exit 1
fi
go build -o "$out/ganada-index" ./index
g++ -O3 -march=native -std=c++17 -pthread -o "$out/hnswlib_driver" index/hnswlib/hnswlib_driver.cpp
dir=$out/synth
if [[ ! -f $dir/gt.ivecs ]]; then
	"$out/ganada-index" synth -out "$dir"
	"$out/ganada-index" truth -dir "$dir"
fi
files=$out/mem
mkdir -p "$files"
res=$out/mem-$(date +%Y%m%d-%H%M%S).tsv
: >"$res"
load() { echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)"; echo -e "load\t$1\t$(cut -d' ' -f1 /proc/loadavg)" >>"$res"; }
peak() { # name file: record /usr/bin/time's peak RSS of the last step
	echo -e "rss\t$1\tsynth\t$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$2")" >>"$res"
}
echo "# $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; go $(go env GOVERSION)"

# Builds, interleaved.
load ganada-build
GOMAXPROCS=$THREADS /usr/bin/time -v -o "$out/time.txt" "$out/ganada-index" qbuild -dir "$dir" -res "$res" -out "$files/ganada" -quant "$QUANT"
peak ganada-build "$out/time.txt"
for sp in $DROP; do
	"$out/ganada-index" qbuild -dir "$dir" -res "$res" -out "$files/ganada" -from "$files/ganada-float32.hnsw" -quant "$sp"
done
load hnswlib-build
/usr/bin/time -v -o "$out/time.txt" "$out/hnswlib_driver" run "$dir" "$res" 16 200 "$THREADS" "$EFS" "$REPS" "$files/hnswlib.bin"
peak hnswlib-build "$out/time.txt"
echo -e "file\thnswlib\tsynth\t$(stat -c %s "$files/hnswlib.bin")\t0" >>"$res"
for k in flat sq8 binary; do
	load faiss-$k-build
	/usr/bin/time -v -o "$out/time.txt" $py index/faiss/faiss_hnsw.py build $k "$dir" "$files/faiss-$k.index" "$res" "$THREADS"
	peak faiss-$k-build "$out/time.txt"
done

# Serving, interleaved: each in its own process.
gserve() { # file-stem mode
	load "ganada-$1-$2"
	"$out/ganada-index" qserve -dir "$dir" -res "$res" -file "$files/ganada-$1.hnsw" -name "ganada-hnsw-$1" -mode "$2" -ef "$EFS" -reps "$REPS"
}
fserve() {
	load "faiss-$1"
	$py index/faiss/faiss_hnsw.py serve "$1" "$files/faiss-$1.index" "$dir" "$res" "$EFS" "$REPS"
}
load hnswlib-serve
"$out/hnswlib_driver" serve "$files/hnswlib.bin" "$dir" "$res" "$EFS" "$REPS"
gserve float32 load
fserve flat
gserve float32 open
IFS=, read -ra specs <<<"$QUANT"
for sp in "${specs[@]}"; do
	gserve "$sp" open
	case $sp in
	int8*) fserve sq8 ;;
	binary*) fserve binary ;;
	esac
	gserve "$sp" load
done
for sp in $DROP; do
	gserve "$sp" open
	gserve "$sp" load
done
load end
echo "# results: $res"
"$out/ganada-index" memreport -res "$res"
