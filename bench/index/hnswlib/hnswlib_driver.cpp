// hnswlib_driver: the hnswlib side of bench/index. It reads the same
// base.fvecs / query.fvecs / gt.ivecs as the Go runner, builds an hnswlib
// index (inner-product space over unit vectors = cosine, as hnswlib's Python
// binding does for space='cosine') on T threads, then times single-thread
// searchKnn over an ef ladder and appends tab-separated results.
//
// Built by run.sh with: g++ -O3 -march=native -std=c++17 -pthread
// against Debian's header-only libhnswlib-dev (not vendored here).
//
//   hnswlib_driver run DIR RESULTS M EFC THREADS EF1,EF2,... REPS [SAVE]
//   hnswlib_driver serve SAVED DIR RESULTS EF1,EF2,... REPS  (load a saved
//       index in a process holding only the queries: cold start, ladder,
//       resident memory; mem.sh)
//   hnswlib_driver bw RESULTS TAG  (single-core streaming read bandwidth)

#include <hnswlib/hnswlib.h>

#include <immintrin.h>
#include <sys/resource.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// thread_cpu is the calling thread's CPU time in seconds.
static double thread_cpu() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// process_cpu is the process's CPU time (user + system) in seconds.
static double process_cpu() {
    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

static std::vector<float> read_fvecs(const std::string &path, int &n, int &dim) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot open " + path);
    std::vector<char> raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::memcpy(&dim, raw.data(), 4);
    size_t rec = 4 + 4 * (size_t)dim;
    n = (int)(raw.size() / rec);
    std::vector<float> out((size_t)n * dim);
    for (int i = 0; i < n; i++) std::memcpy(&out[(size_t)i * dim], raw.data() + i * rec + 4, 4 * (size_t)dim);
    return out;
}

static std::vector<std::vector<int>> read_ivecs(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot open " + path);
    std::vector<std::vector<int>> out;
    int k;
    while (f.read((char *)&k, 4)) {
        std::vector<int> row(k);
        f.read((char *)row.data(), 4 * (size_t)k);
        out.push_back(std::move(row));
    }
    return out;
}

static void normalize(const float *in, float *out, int dim) {
    double s = 0;
    for (int i = 0; i < dim; i++) s += (double)in[i] * in[i];
    float inv = s > 0 ? (float)(1 / std::sqrt(s)) : 0.f;
    for (int i = 0; i < dim; i++) out[i] = in[i] * inv;
}

static std::string basename_of(const std::string &dir) {
    std::string d = dir;
    while (!d.empty() && d.back() == '/') d.pop_back();
    size_t p = d.find_last_of('/');
    return p == std::string::npos ? d : d.substr(p + 1);
}

static void ladder(hnswlib::HierarchicalNSW<float> *index, const std::string &label, const std::string &name, int dim, int nq,
                   const std::vector<float> &qn, const std::vector<std::vector<int>> &gt, const std::string &efs, int reps, FILE *res);

static int run(const std::string &dir, const std::string &results, int M, int efc, int threads, const std::string &efs, int reps,
               const std::string &save = "") {
    int nb, dim, nq, dq;
    std::vector<float> base = read_fvecs(dir + "/base.fvecs", nb, dim);
    std::vector<float> query = read_fvecs(dir + "/query.fvecs", nq, dq);
    auto gt = read_ivecs(dir + "/gt.ivecs");
    std::string name = basename_of(dir);
    FILE *res = std::fopen(results.c_str(), "a");

    hnswlib::InnerProductSpace space(dim);
    auto *index = new hnswlib::HierarchicalNSW<float>(&space, nb, M, efc, 1);
    auto t0 = Clock::now();
    double c0 = process_cpu();
    std::atomic<int> next(0);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; t++) {
        pool.emplace_back([&]() {
            std::vector<float> buf(dim);
            for (int i; (i = next.fetch_add(1)) < nb;) {
                normalize(&base[(size_t)i * dim], buf.data(), dim);
                index->addPoint(buf.data(), (hnswlib::labeltype)i);
            }
        });
    }
    for (auto &t : pool) t.join();
    double build = seconds_since(t0), build_cpu = process_cpu() - c0;
    std::printf("hnswlib %s: built %dx%d in %.2fs (%.2f CPU s) on %d threads\n", name.c_str(), nb, dim, build, build_cpu, threads);
    std::fprintf(res, "build\thnswlib\t%s\t%d\t%f\t%f\n", name.c_str(), threads, build, build_cpu);

    if (!save.empty()) {
        index->saveIndex(save);
        std::printf("hnswlib %s: saved %s\n", name.c_str(), save.c_str());
    }
    std::vector<float> qn((size_t)nq * dim);
    for (int i = 0; i < nq; i++) normalize(&query[(size_t)i * dim], &qn[(size_t)i * dim], dim);
    ladder(index, "hnswlib", name, dim, nq, qn, gt, efs, reps, res);
    std::fclose(res);
    delete index;
    return 0;
}

// bw measures single-core streaming read bandwidth: the best of 5 sums
// over 512 MiB with 512-bit loads and of 5 with 256-bit loads (on AMD Zen 4,
// which splits 512-bit loads in two, the 256-bit loop streams faster). A
// CPU without AVX-512 (AMD Zen 3) runs the 256-bit loop only.
// ladder runs the single-thread search ladder over the normalised queries.
static void ladder(hnswlib::HierarchicalNSW<float> *index, const std::string &label, const std::string &name, int dim, int nq,
                   const std::vector<float> &qn, const std::vector<std::vector<int>> &gt, const std::string &efs, int reps, FILE *res) {
    std::stringstream ss(efs);
    std::string tok;
    while (std::getline(ss, tok, ',')) {
        int ef = std::stoi(tok);
        index->setEf(ef);
        for (int i = 0; i < std::min(nq, 100); i++) index->searchKnn(&qn[(size_t)i * dim], 10);
        double rec = 0, qps = 0, cpu_qps = 0;
        for (int rep = 0; rep < reps; rep++) {
            rec = 0;
            auto t = Clock::now();
            double c = thread_cpu();
            for (int i = 0; i < nq; i++) {
                auto top = index->searchKnn(&qn[(size_t)i * dim], 10);
                int hit = 0;
                while (!top.empty()) {
                    int id = (int)top.top().second;
                    top.pop();
                    for (int j = 0; j < 10; j++)
                        if (gt[i][j] == id) { hit++; break; }
                }
                rec += hit / 10.0;
            }
            qps = std::max(qps, nq / seconds_since(t));
            cpu_qps = std::max(cpu_qps, nq / (thread_cpu() - c));
        }
        rec /= nq;
        std::printf("%s %s ef=%d recall@10=%.4f qps=%.0f cpu-qps=%.0f\n", label.c_str(), name.c_str(), ef, rec, qps, cpu_qps);
        std::fprintf(res, "search\t%s\t%s\t%d\t%f\t%f\t%f\n", label.c_str(), name.c_str(), ef, rec, qps, cpu_qps);
    }
}

static double now_rss_kb(const char *field) {
    FILE *f = std::fopen("/proc/self/status", "r");
    char line[256];
    double v = 0;
    size_t n = std::strlen(field);
    while (f && std::fgets(line, sizeof line, f))
        if (!std::strncmp(line, field, n) && line[n] == ':') v = std::atof(line + n + 1);
    if (f) std::fclose(f);
    return v;
}

// serve loads a saved index in a process holding only the queries, times
// the load to the first query, runs the ladder and records resident memory.
static int serve(const std::string &file, const std::string &dir, const std::string &results, const std::string &efs, int reps) {
    int nq, dim;
    std::vector<float> query = read_fvecs(dir + "/query.fvecs", nq, dim);
    auto gt = read_ivecs(dir + "/gt.ivecs");
    std::string name = basename_of(dir);
    FILE *res = std::fopen(results.c_str(), "a");
    std::vector<float> qn((size_t)nq * dim);
    for (int i = 0; i < nq; i++) normalize(&query[(size_t)i * dim], &qn[(size_t)i * dim], dim);
    hnswlib::InnerProductSpace space(dim);
    auto t = Clock::now();
    auto *index = new hnswlib::HierarchicalNSW<float>(&space, file);
    index->searchKnn(&qn[0], 10);
    double first = seconds_since(t);
    std::printf("hnswlib-load %s: load + first query %.3fs\n", name.c_str(), first);
    std::fprintf(res, "coldstart\thnswlib-load\t%s\t%f\n", name.c_str(), first);
    ladder(index, "hnswlib-load", name, dim, nq, qn, gt, efs, reps, res);
    double hwm = now_rss_kb("VmHWM"), anon = now_rss_kb("RssAnon"), filerss = now_rss_kb("RssFile");
    std::printf("hnswlib-load %s: VmHWM %.0f kB, RssAnon %.0f kB, RssFile %.0f kB at the end\n", name.c_str(), hwm, anon, filerss);
    std::fprintf(res, "memserve\thnswlib-load\t%s\t%.0f\t%.0f\t%.0f\n", name.c_str(), hwm, anon, filerss);
    std::fclose(res);
    delete index;
    return 0;
}

static int bw(const std::string &results, const std::string &tag) {
    size_t n = (512u << 20) / sizeof(float);
    float *a = (float *)std::aligned_alloc(64, n * sizeof(float));
    for (size_t i = 0; i < n; i++) a[i] = (float)(i & 7);
    double best = 0;
    float sink = 0;
    for (int rep = 0; rep < 10; rep++) {
        auto t = Clock::now();
#ifdef __AVX512F__
        if (rep % 2 == 0) {
            __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
            for (size_t i = 0; i < n; i += 64) {
                s0 = _mm512_add_ps(s0, _mm512_load_ps(a + i));
                s1 = _mm512_add_ps(s1, _mm512_load_ps(a + i + 16));
                s2 = _mm512_add_ps(s2, _mm512_load_ps(a + i + 32));
                s3 = _mm512_add_ps(s3, _mm512_load_ps(a + i + 48));
            }
            sink += _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
        } else
#endif
        {
            __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
            for (size_t i = 0; i < n; i += 32) {
                s0 = _mm256_add_ps(s0, _mm256_load_ps(a + i));
                s1 = _mm256_add_ps(s1, _mm256_load_ps(a + i + 8));
                s2 = _mm256_add_ps(s2, _mm256_load_ps(a + i + 16));
                s3 = _mm256_add_ps(s3, _mm256_load_ps(a + i + 24));
            }
            __m256 s = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
            float v[8];
            _mm256_storeu_ps(v, s);
            for (float x : v) sink += x;
        }
        best = std::max(best, n * sizeof(float) / seconds_since(t) / 1e9);
    }
    std::printf("single-core read bandwidth: %.2f GB/s (sink %g)\n", best, sink);
    FILE *res = std::fopen(results.c_str(), "a");
    std::fprintf(res, "bandwidth\t%s\t%.2f\n", tag.c_str(), best);
    std::fclose(res);
    std::free(a);
    return 0;
}

int main(int argc, char **argv) {
    try {
        if (argc == 9 && std::string(argv[1]) == "run")
            return run(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]), std::atoi(argv[6]), argv[7], std::atoi(argv[8]));
        if (argc == 4 && std::string(argv[1]) == "bw") return bw(argv[2], argv[3]);
        if (argc == 10 && std::string(argv[1]) == "run")
            return run(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]), std::atoi(argv[6]), argv[7], std::atoi(argv[8]), argv[9]);
        if (argc == 7 && std::string(argv[1]) == "serve") return serve(argv[2], argv[3], argv[4], argv[5], std::atoi(argv[6]));
    } catch (const std::exception &e) {
        std::fprintf(stderr, "hnswlib_driver: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "usage: hnswlib_driver run DIR RESULTS M EFC THREADS EFS REPS [SAVE] | serve SAVED DIR RESULTS EFS REPS | bw RESULTS TAG\n");
    return 2;
}
