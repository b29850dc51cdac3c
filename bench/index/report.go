// This file prints the comparison tables from the results file: recall@10
// and QPS per ef for each library, the QPS ratio at equal recall
// (interpolated on log QPS), build times, peak RSS and flat-scan bandwidth.

package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

type point struct {
	ef                  int
	recall, qps, cpuQPS float64
}

func cmdReport(args []string) error {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	res := fs.String("res", "", "results file")
	fs.Parse(args)
	f, err := os.Open(*res)
	if err != nil {
		return err
	}
	defer f.Close()
	curves := map[string]map[string][]point{} // dataset → lib → points
	builds := map[string]map[string]string{}
	rss := map[string]map[string]string{}
	var flats, qflats []string
	mem := map[string]map[string]string{} // dataset → lib → MemoryBytes
	var bw = map[string]string{}
	var sets []string
	seen := map[string]bool{}
	addSet := func(s string) {
		if !seen[s] {
			seen[s] = true
			sets = append(sets, s)
		}
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		switch {
		case p[0] == "search" && len(p) == 7:
			addSet(p[2])
			ef, _ := strconv.Atoi(p[3])
			r, _ := strconv.ParseFloat(p[4], 64)
			q, _ := strconv.ParseFloat(p[5], 64)
			c, _ := strconv.ParseFloat(p[6], 64)
			if curves[p[2]] == nil {
				curves[p[2]] = map[string][]point{}
			}
			curves[p[2]][p[1]] = append(curves[p[2]][p[1]], point{ef, r, q, c})
		case p[0] == "build" && len(p) == 6:
			addSet(p[2])
			if builds[p[2]] == nil {
				builds[p[2]] = map[string]string{}
			}
			builds[p[2]][p[1]] = p[4]
			builds[p[2]][p[1]+" cpu"] = p[5]
		case p[0] == "rss" && len(p) == 4:
			if rss[p[2]] == nil {
				rss[p[2]] = map[string]string{}
			}
			rss[p[2]][p[1]] = p[3]
		case p[0] == "mem" && len(p) == 4:
			if mem[p[2]] == nil {
				mem[p[2]] = map[string]string{}
			}
			mem[p[2]][p[1]] = p[3]
		case p[0] == "flat" && len(p) == 7 && p[1] != "ganada-flat":
			qflats = append(qflats, fmt.Sprintf("| %s | %s | %s | %s | %s |", p[2], strings.TrimPrefix(p[1], "ganada-flat-"), trimNum(p[4], 4), trimNum(p[5], 1), trimNum(p[6], 1)))
		case p[0] == "flat" && len(p) == 7:
			frac := ""
			if ref, err := strconv.ParseFloat(bw[p[2]], 64); err == nil && p[3] == "1" {
				got, _ := strconv.ParseFloat(p[6], 64)
				frac = fmt.Sprintf("%.0f%%", 100*got/ref)
			}
			flats = append(flats, fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |", p[2], p[3], trimNum(p[4], 4), trimNum(p[5], 1), trimNum(p[6], 2), bw[p[2]], frac))
		case p[0] == "bandwidth" && len(p) == 3:
			bw[p[1]] = p[2]
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	for _, set := range sets {
		c := curves[set]
		g, hl := c["ganada-hnsw"], c["hnswlib"]
		fmt.Printf("\n### %s: recall@10 and single-thread QPS (M=16, efConstruction=200, k=10)\n\n", set)
		fmt.Println("QPS is wall-clock; CPU QPS divides by the search thread's CPU time, which other work on a shared machine disturbs less.")
		fmt.Println()
		fmt.Println("| ef | ganada recall | ganada QPS | ganada CPU QPS | hnswlib recall | hnswlib QPS | hnswlib CPU QPS |")
		fmt.Println("|---:|---:|---:|---:|---:|---:|---:|")
		for i := 0; i < max(len(g), len(hl)); i++ {
			var row [7]string
			if i < len(g) {
				row[0], row[1], row[2], row[3] = strconv.Itoa(g[i].ef), fmt.Sprintf("%.4f", g[i].recall), fmt.Sprintf("%.0f", g[i].qps), fmt.Sprintf("%.0f", g[i].cpuQPS)
			}
			if i < len(hl) {
				row[0], row[4], row[5], row[6] = strconv.Itoa(hl[i].ef), fmt.Sprintf("%.4f", hl[i].recall), fmt.Sprintf("%.0f", hl[i].qps), fmt.Sprintf("%.0f", hl[i].cpuQPS)
			}
			fmt.Printf("| %s |\n", strings.Join(row[:], " | "))
		}
		fmt.Printf("\nQPS ratio ganada/hnswlib at equal recall (log-QPS interpolated along each curve):\n\n")
		fmt.Println("| recall@10 | ganada QPS | hnswlib QPS | ratio | ganada CPU QPS | hnswlib CPU QPS | CPU ratio |")
		fmt.Println("|---:|---:|---:|---:|---:|---:|---:|")
		for _, target := range []float64{0.90, 0.95, 0.97, 0.99} {
			a, okA := interp(g, target, false)
			b, okB := interp(hl, target, false)
			ac, _ := interp(g, target, true)
			bc, _ := interp(hl, target, true)
			if okA && okB {
				fmt.Printf("| %.2f | %.0f | %.0f | %.2f× | %.0f | %.0f | %.2f× |\n", target, a, b, a/b, ac, bc, ac/bc)
			} else {
				fmt.Printf("| %.2f | %s | %s | n/a | | | |\n", target, fmtOpt(a, okA), fmtOpt(b, okB))
			}
		}
		fmt.Printf("\nBuild (2 threads) and peak RSS of the whole process (data + index):\n\n| library | build wall s | build CPU s | peak RSS MiB |\n|---|---:|---:|---:|\n")
		for _, lib := range []string{"ganada-hnsw", "hnswlib"} {
			if builds[set][lib] == "" && rss[set][lib] == "" {
				continue
			}
			fmt.Printf("| %s | %s | %s | %s |\n", lib, builds[set][lib], builds[set][lib+" cpu"], kbToMiB(rss[set][lib]))
		}
		if b1, b2 := builds[set]["ganada-hnsw"], builds[set]["hnswlib"]; b1 != "" && b2 != "" {
			x, _ := strconv.ParseFloat(b1, 64)
			y, _ := strconv.ParseFloat(b2, 64)
			xc, _ := strconv.ParseFloat(builds[set]["ganada-hnsw cpu"], 64)
			yc, _ := strconv.ParseFloat(builds[set]["hnswlib cpu"], 64)
			fmt.Printf("\nbuild time ratio ganada/hnswlib: %.2f× wall, %.2f× CPU", x/y, xc/yc)
		}
		if r1, r2 := rss[set]["ganada-hnsw"], rss[set]["hnswlib"]; r1 != "" && r2 != "" {
			x, _ := strconv.ParseFloat(r1, 64)
			y, _ := strconv.ParseFloat(r2, 64)
			fmt.Printf("; peak RSS ratio ganada/hnswlib: %.2f×", x/y)
		}
		fmt.Println()
		var quants []string
		for lib := range c {
			if strings.HasPrefix(lib, "ganada-hnsw-") {
				quants = append(quants, lib)
			}
		}
		sort.Strings(quants)
		if len(quants) > 0 {
			fmt.Printf("\n### %s: quantised ganada HNSW (the same graph, Reconfigured), single thread\n\n", set)
			fmt.Println("CPU QPS at equal recall@10 (log-QPS interpolated; n/a where the curve does not reach it; ≥ where the whole curve is above it, its fastest point), and its ratio to hnswlib's float32 CPU QPS; memory is MemoryBytes (vectors, codes, links, labels).")
			fmt.Println()
			fmt.Println("| configuration | best recall | 0.90 | 0.95 | 0.97 | 0.99 | MemoryBytes MiB |")
			fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
			for _, lib := range append([]string{"ganada-hnsw"}, quants...) {
				best := 0.0
				for _, pt := range c[lib] {
					best = math.Max(best, pt.recall)
				}
				row := []string{strings.TrimPrefix(lib, "ganada-hnsw-"), fmt.Sprintf("%.4f", best)}
				for _, target := range []float64{0.90, 0.95, 0.97, 0.99} {
					a, okA := interp(c[lib], target, true)
					b, okB := interp(hl, target, true)
					switch {
					case okA && okB:
						row = append(row, fmt.Sprintf("%.0f (%.2f×)", a, a/b))
					case okA:
						row = append(row, fmt.Sprintf("%.0f", a))
					case best >= target:
						// The whole curve is above target: its fastest
						// point bounds the QPS at target from below.
						f := 0.0
						for _, pt := range c[lib] {
							f = math.Max(f, pt.cpuQPS)
						}
						if bq, okB := interp(hl, target, true); okB {
							row = append(row, fmt.Sprintf("≥ %.0f (%.2f×)", f, f/bq))
						} else {
							row = append(row, fmt.Sprintf("≥ %.0f", f))
						}
					default:
						row = append(row, "n/a")
					}
				}
				mib := ""
				if m, err := strconv.ParseFloat(mem[set][lib], 64); err == nil {
					mib = fmt.Sprintf("%.0f", m/(1<<20))
				}
				fmt.Printf("| %s | %s |\n", strings.Join(row, " | "), mib)
			}
		}
	}
	if len(qflats) > 0 {
		fmt.Printf("\n### quantised ganada flat search, one thread, k=10\n\n| dataset | configuration | recall@10 | QPS | MemoryBytes MiB |\n|---|---|---:|---:|---:|\n")
		for _, l := range qflats {
			fmt.Println(l)
		}
	}
	if len(flats) > 0 {
		fmt.Printf("\n### ganada flat (exact) search, k=10\n\nreference: single-core streaming read bandwidth (the better of 512- and 256-bit sums over 512 MiB in C++, measured just before)\n\n")
		fmt.Printf("| dataset | threads | recall@10 | QPS | scan GB/s | reference GB/s | 1-thread scan / reference |\n|---|---:|---:|---:|---:|---:|---:|\n")
		for _, l := range flats {
			fmt.Println(l)
		}
	}
	return nil
}

func fmtOpt(v float64, ok bool) string {
	if !ok {
		return "out of range"
	}
	return fmt.Sprintf("%.0f", v)
}

func kbToMiB(s string) string {
	if s == "" {
		return ""
	}
	v, _ := strconv.ParseFloat(s, 64)
	return fmt.Sprintf("%.0f", v/1024)
}

// interp returns the QPS of curve at the given recall, interpolating log QPS
// linearly in recall between the two points around it.
func interp(c []point, recall float64, cpu bool) (float64, bool) {
	pts := append([]point(nil), c...)
	sort.Slice(pts, func(i, j int) bool { return pts[i].recall < pts[j].recall })
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		qa, qb := a.qps, b.qps
		if cpu {
			qa, qb = a.cpuQPS, b.cpuQPS
		}
		if recall >= a.recall && recall <= b.recall {
			if b.recall == a.recall {
				return math.Max(qa, qb), true
			}
			t := (recall - a.recall) / (b.recall - a.recall)
			return math.Exp(math.Log(qa) + t*(math.Log(qb)-math.Log(qa))), true
		}
	}
	return 0, false
}

func trimNum(s string, prec int) string {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}
