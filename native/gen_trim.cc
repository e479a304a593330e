// The generator's trimmer (src/jets/generator/trim.ts, Trimmer) with its clustering bookkeeping in C++, for
// NativeTrimmer (src/jets/generator/trim-native.ts). Byte-identical output is the contract (test/generator-bytes),
// and the only transcendental functions of the clustering (log for a merged cluster's rapidity, atan2 for its
// azimuth, cosh/sinh/cos/sin of the inputs) differ in the last bit between glibc and V8's Math.*: so this file
// calls V8's own (genTrim, the whole jet here) or leaves them to JavaScript (genTrimStart/Resume: the kT steps run
// until a merge needs a new cluster's (y, phi), JavaScript does the merge's arithmetic with Math.* exactly as
// Trimmer does, and the steps resume). Every other operation is a +, -, *, / or comparison of doubles in the same
// order as trim.ts, so the results are the same bits (no FMA contraction: see the pragmas).
//
// Nearest neighbours come from a matrix of the pairs' dR^2 (Session::dist): a rescan is one vectorised pass over a
// row instead of trim.ts's per-pair arithmetic and data-dependent branches (1.4-1.5x the speed of the plain scans).
//
// State: the caller's typed arrays (layout in trim-native.ts), whose data pointers genTrimStart keeps for the
// genTrimResume calls of the same jet; JavaScript is single-threaded per isolate and one jet's steps run without
// yielding, so a thread_local session is enough (worker threads each have their own).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>
#if !defined(_WIN32)
#include <dlfcn.h>
#endif

#include "common.h"

namespace jetlens {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// V8's own Math.* implementations (v8::base::ieee754, fdlibm ports), found in the running node binary, which exports
// them: calling the very functions Math.log, Math.atan2, ... call gives the same bits by construction, no port of
// libm needed. Absent (another Node build, Windows): `ok` is false and the generator keeps the merges in
// JavaScript. NativeTrimmer.create also checks them against Math.* on fixed inputs before using them, and
// test/generator-trim-native.test.ts on 10^6 random and edge inputs.
using Unary = double (*)(double);
using Binary = double (*)(double, double);
struct V8Math {
  Unary log = nullptr, cos = nullptr, sin = nullptr, cosh = nullptr, sinh = nullptr, expm1 = nullptr;
  Binary atan2 = nullptr;
  bool ok = false;
};

const V8Math& v8math() {
  static const V8Math m = [] {
    V8Math r;
#if !defined(_WIN32)
    auto u = [](const char* sym) { return reinterpret_cast<Unary>(dlsym(RTLD_DEFAULT, sym)); };
    r.log = u("_ZN2v84base7ieee7543logEd");
    r.cos = u("_ZN2v84base7ieee7543cosEd");
    r.sin = u("_ZN2v84base7ieee7543sinEd");
    r.cosh = u("_ZN2v84base7ieee7544coshEd");
    r.sinh = u("_ZN2v84base7ieee7544sinhEd");
    r.expm1 = u("_ZN2v84base7ieee7545expm1Ed");
    r.atan2 = reinterpret_cast<Binary>(dlsym(RTLD_DEFAULT, "_ZN2v84base7ieee7545atan2Edd"));
    r.ok = r.log && r.cos && r.sin && r.cosh && r.sinh && r.expm1 && r.atan2;
#endif
    return r;
  }();
  return m;
}

// Math.cosh(x) and Math.sinh(x) with one expm1 where V8 computes both from expm1(|x|): 2^-28 <= |x| < 0.5 ln 2
// (V8's cosh takes expm1 below 0.5 ln 2, high word 0x3FD62E43; its sinh below 22, and returns x below 2^-28). The
// two return expressions are V8's own (v8/src/base/ieee754.cc, cosh and sinh for |x| < 1), so the bits are the
// same; elsewhere V8's cosh and sinh themselves. Checked against Math.* by genMath("coshsinh") (mathMatches at
// start-up, test/generator-trim-native.test.ts on 10^6 inputs). Most trimmed towers sit within 0.35 of the axis.
void cosh_sinh(const V8Math& m, double x, double* c, double* s) {
  double ax = std::fabs(x);
  if (ax < 0.34657359027997264 && ax >= 3.725290298461914e-9) {
    uint64_t bits;
    std::memcpy(&bits, &ax, sizeof bits);
    if (static_cast<int32_t>(bits >> 32) < 0x3FD62E43) {  // exactly V8's test (0.34657... is above its bound)
      double t = m.expm1(ax);
      double w = 1.0 + t;
      *c = 1.0 + (t * t) / (w + w);
      *s = (x < 0 ? -0.5 : 0.5) * (2 * t - t * t / (t + 1));
      return;
    }
  }
  *c = m.cosh(x);
  *s = m.sinh(x);
}

// The two vector helpers (GCC vector extensions; plain loops elsewhere, same results) have an AVX2 clone picked at
// load time on x86-64 (the default clone runs anywhere: SSE2 pairs, the same bits). "avx2", not "arch=x86-64-v3"
// as in efp.cc: that would allow FMA, and these sums must round as trim.ts's.
#if defined(__GNUC__) && !defined(__clang__)
#define JL_TRIM_VECTOR 1
typedef double v4 __attribute__((vector_size(32)));
typedef long long l4 __attribute__((vector_size(32)));
#if defined(__x86_64__)
#define JL_TRIM_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef JL_TRIM_CLONES
#define JL_TRIM_CLONES
#endif

// r[k] = (y - ys[k])^2 + (f - fs[k])^2 for k < n (a multiple of 4), 4 at a time.
JL_TRIM_CLONES void distances(double* r, const double* ys, const double* fs, double y, double f, int n) {
#if JL_TRIM_VECTOR
  const v4 yv = {y, y, y, y}, fv = {f, f, f, f};
  for (int k = 0; k < n; k += 4) {
    v4 a, b;
    __builtin_memcpy(&a, ys + k, sizeof a);
    __builtin_memcpy(&b, fs + k, sizeof b);
    v4 dy = yv - a, df = fv - b;
    v4 d = dy * dy + df * df;
    __builtin_memcpy(r + k, &d, sizeof d);
  }
#else
  for (int k = 0; k < n; k++) {
    double dy = y - ys[k], df = f - fs[k];
    r[k] = dy * dy + df * df;
  }
#endif
}

// The first k of the smallest r[k] + act[k] over k < n (n a multiple of 4), and that value; -1 and +inf when all
// are +inf. r >= 0 and act is 0 or +inf, so r + act is r or +inf exactly; no NaN reaches here (bind() checks).
// Each lane keeps its first smallest value and its column (strict <); the lexicographic minimum of (value, column)
// over the lanes, without branches, is then the first one overall.
JL_TRIM_CLONES int nearest(const double* r, const double* act, int n, double* min) {
#if JL_TRIM_VECTOR
  v4 m = {kInf, kInf, kInf, kInf}, at = {-1, -1, -1, -1}, col = {0, 1, 2, 3};
  const v4 four = {4, 4, 4, 4};
  for (int k = 0; k < n; k += 4) {
    v4 x, z;
    __builtin_memcpy(&x, r + k, sizeof x);
    __builtin_memcpy(&z, act + k, sizeof z);
    x += z;
    auto less = x < m;
    m = less ? x : m;
    at = less ? col : at;
    col += four;
  }
  for (l4 sh : {l4{2, 3, 0, 1}, l4{1, 0, 3, 2}}) {
    v4 m2 = __builtin_shuffle(m, sh), at2 = __builtin_shuffle(at, sh);
    auto take = (m2 < m) | ((m2 == m) & (at2 < at));
    m = take ? m2 : m;
    at = take ? at2 : at;
  }
  *min = m[0];
  return m[0] < kInf ? static_cast<int>(at[0]) : -1;
#else
  double m = kInf;
  int best = -1;
  for (int k = 0; k < n; k++) {
    double x = r[k] + act[k];
    if (x < m) m = x, best = k;
  }
  *min = m;
  return best;
#endif
}

// Header slots (must match trim-native.ts): F[0] = y, F[1] = phi of the merged cluster (written by JavaScript);
// I[0] = best, I[1] = j of the merge JavaScript must do.
constexpr int kFHead = 2, kIHead = 2;
// Largest jet (the distance matrix holds M^2 doubles: 32 MB here); NativeTrimmer hands larger ones to trim.ts.
constexpr int64_t kMaxParticles = 2048;

struct Session {
  // By cluster id.
  double* cpt = nullptr;
  int32_t *pos = nullptr, *head = nullptr, *tail = nullptr, *next = nullptr, *keep = nullptr;
  // By position in the active list.
  double *ay = nullptr, *aphi = nullptr, *adi = nullptr, *annd = nullptr;
  int32_t *ann = nullptr, *aid = nullptr;
  double* fh = nullptr;
  int32_t* ih = nullptr;
  int na = 0;
  double r2 = 0, pt_cut = 0;
  int best_a = -1;
  double best_d = kInf;
  bool open = false;
  // Whole-jet mode (genTrim): the merge arithmetic here, with V8's math; E, px, py, pz by id.
  std::vector<double> ce, cpx, cpy, cpz;
  std::vector<uint8_t> lazy;

  void set_d(int a) {
    double pi = cpt[aid[a]] * cpt[aid[a]];
    int j = ann[a];
    if (j < 0) {
      adi[a] = pi;
      return;
    }
    double pj = cpt[j] * cpt[j];
    double x = ((pi < pj ? pi : pj) * annd[a]) / r2;
    adi[a] = x < pi ? x : pi;  // Math.min(pi, x) (both >= 0, neither NaN)
  }

  // dR^2 between clusters by id: row i, column k, row stride ld (M rounded up to 4), +inf on the diagonal; act[k] is
  // 0 for an active id and +inf for a retired or merged one (and the padding), so the nearest active neighbour of i
  // is the first column of the smallest D[i][k] + act[k], ties going to the lower id as in trim.ts, with one
  // vectorised pass and no branch per cluster. Only a merged cluster's row and column change. The entries are the
  // doubles trim.ts computes: fl(x - y) = -fl(y - x), so (y_i - y_k)^2 + (phi_i - phi_k)^2 is the same either way.
  std::vector<double> dist, act, yid, fid;
  int ld = 0;
  double* row(int i) { return dist.data() + static_cast<size_t>(i) * ld; }

  // Row i from the positions by id (its column too when `mirror`: the active clusters' rows see i's new place).
  void fill_row(int i, bool mirror) {
    double* r = row(i);
    distances(r, yid.data(), fid.data(), yid[i], fid[i], ld);
    r[i] = kInf;
    if (mirror) {
      double* d = dist.data();
      size_t stride = ld;
      for (int a = 0; a < na; a++) d[aid[a] * stride + i] = r[aid[a]];
    }
  }

  void init_nn(int M) {
    ld = (M + 3) & ~3;
    size_t need = static_cast<size_t>(ld) * ld;
    if (dist.size() < need) {
      dist.resize(need);
      for (auto* v : {&act, &yid, &fid}) v->resize(ld);
    }
    for (int k = 0; k < ld; k++) {
      act[k] = k < M ? 0.0 : kInf;
      yid[k] = k < M ? ay[k] : 0.0;
      fid[k] = k < M ? aphi[k] : 0.0;
    }
    for (int i = 0; i < M; i++) fill_row(i, false);
    for (int a = 0; a < M; a++) update_nn(a);
  }

  void remove_at(int a) {
    act[aid[a]] = kInf;
    int last = --na;
    if (a == last) return;
    ay[a] = ay[last];
    aphi[a] = aphi[last];
    adi[a] = adi[last];
    ann[a] = ann[last];
    annd[a] = annd[last];
    aid[a] = aid[last];
    pos[aid[a]] = a;
  }

  // Nearest active neighbour of the cluster at position ai: smallest dR^2, ties to the lower id.
  void update_nn(int ai) {
    double m;
    int bj = nearest(row(aid[ai]), act.data(), ld, &m);
    ann[ai] = bj;
    annd[ai] = m;
    set_d(ai);
  }

  // After `gone` left (and `changed` moved; -1: none), the clusters whose neighbour was one of them rescan and those
  // now closer to `changed` take it (trim.ts's loop, whose updates each touch only their own row); also the next
  // step, the first position with the smallest d. The moved cluster itself needs no test: its own distance is the
  // diagonal's +inf, and its neighbour is neither `gone` (retired) nor itself.
  void refresh(int gone, int changed) {
    int ba = -1;
    double bd = kInf;
    if (changed < 0) {
      for (int a = 0; a < na; a++) {
        if (ann[a] == gone || ann[a] == -1) update_nn(a);
        if (adi[a] < bd) bd = adi[a], ba = a;
      }
    } else {
      const double* rc = row(changed);  // rc[id]: trim.ts's distance from the moved cluster
      for (int a = 0; a < na; a++) {
        int nj = ann[a];
        if (nj == gone || nj == changed) {
          update_nn(a);
        } else {
          double d = rc[aid[a]];
          if (d < annd[a]) {
            ann[a] = changed;
            annd[a] = d;
            set_d(a);
          }
        }
        if (adi[a] < bd) bd = adi[a], ba = a;
      }
    }
    best_a = ba;
    best_d = bd;
  }

  // Runs steps until a merge is due (returns 1, I[0] = best, I[1] = j) or every cluster is retired (returns 0).
  int run_until_merge() {
    while (na > 0) {
      if (best_a < 0) fail("genTrim: no step found (non-finite input)");  // cannot happen with finite pT >= 0
      int best = aid[best_a];
      int j = ann[best_a];
      if (j < 0 || cpt[best] * cpt[best] <= best_d) {
        remove_at(best_a);
        if (cpt[best] >= pt_cut)
          for (int k = head[best]; k >= 0; k = next[k]) keep[k] = 1;
        refresh(best, -1);
        continue;
      }
      ih[0] = best;
      ih[1] = j;
      return 1;
    }
    open = false;
    return 0;
  }

  // Trimmer.energyOf: E = pT cosh y, pz = pT sinh y of a cluster that is still one particle (dy0: the particles'
  // rapidities by id, copied at the start: ay is by position and moves).
  void energy_of(const V8Math& m, const double* dy0, int i) {
    if (!lazy[i]) return;
    lazy[i] = 0;
    double c, s;
    cosh_sinh(m, dy0[i], &c, &s);
    ce[i] = cpt[i] * c;  // cpt[i]: still the particle's pT (a cluster's pT changes when it merges)
    cpz[i] = cpt[i] * s;
  }
  std::vector<double> dy0_store;

  // Trimmer.cluster's merge arithmetic (same operations, same order, V8's functions): writes y, phi to fh.
  void merge_here(const V8Math& m) {
    int best = ih[0], j = ih[1];
    const double* dy0 = dy0_store.data();
    energy_of(m, dy0, best);
    energy_of(m, dy0, j);
    ce[best] += ce[j];
    cpx[best] += cpx[j];
    cpy[best] += cpy[j];
    cpz[best] += cpz[j];
    cpt[best] = std::sqrt(cpx[best] * cpx[best] + cpy[best] * cpy[best]);
    fh[0] = 0.5 * m.log((ce[best] + cpz[best]) / (ce[best] - cpz[best]));
    fh[1] = m.atan2(cpy[best], cpx[best]);
  }

  // The second half of a merge step, after JavaScript summed the four-momenta into `best` and wrote its cpt, y, phi.
  void finish_merge() {
    int best = ih[0], j = ih[1];
    next[tail[best]] = head[j];
    tail[best] = tail[j];
    remove_at(pos[j]);
    int ab = pos[best];
    ay[ab] = fh[0];
    aphi[ab] = fh[1];
    yid[best] = fh[0];
    fid[best] = fh[1];
    fill_row(best, true);
    update_nn(ab);
    refresh(j, best);
  }
};

// One session per thread (worker threads each have theirs); entry points take a reference once: every access to
// a thread_local in a shared object is a __tls_get_addr call.
thread_local Session S;

// Binds the session to the caller's arrays (layout in trim-native.ts) and resets the M particles' bookkeeping.
// JavaScript has filled cpt (by id) and ay, aphi (by position = id).
Session& bind(const Napi::CallbackInfo& info, const char* op, size_t nargs) {
  if (info.Length() != nargs) fail(std::string(op) + ": expected " + std::to_string(nargs) + " arguments");
  auto F = typed<double>(info[0], op, "F");
  auto I = typed<int32_t>(info[1], op, "I");
  int64_t cap = integer(info[3], op, "cap", 1, 1 << 24);
  int64_t M = integer(info[2], op, "M", 0, cap < kMaxParticles ? cap : kMaxParticles);
  if (F.size < static_cast<size_t>(kFHead + 5 * cap)) fail(std::string(op) + ": F shorter than 2 + 5 cap");
  if (I.size < static_cast<size_t>(kIHead + 7 * cap)) fail(std::string(op) + ": I shorter than 2 + 7 cap");
  Session& s = S;
  double* f = F.data;
  int32_t* in = I.data;
  s.fh = f;
  s.ih = in;
  s.cpt = f + kFHead;
  s.ay = s.cpt + cap;
  s.aphi = s.ay + cap;
  s.adi = s.aphi + cap;
  s.annd = s.adi + cap;
  s.pos = in + kIHead;
  s.head = s.pos + cap;
  s.tail = s.head + cap;
  s.next = s.tail + cap;
  s.keep = s.next + cap;
  s.ann = s.keep + cap;
  s.aid = s.ann + cap;
  for (int i = 0; i < M; i++) {
    s.pos[i] = i, s.head[i] = i, s.tail[i] = i, s.next[i] = -1, s.keep[i] = 0, s.aid[i] = i;
    if (!(s.cpt[i] >= 0 && std::isfinite(s.cpt[i])))
      fail(std::string(op) + ": particle " + std::to_string(i) + " has pT < 0, infinite or NaN");
    if (!std::isfinite(s.ay[i]) || !std::isfinite(s.aphi[i]))
      fail(std::string(op) + ": particle " + std::to_string(i) + " has an infinite or NaN y or phi");
  }
  s.na = static_cast<int>(M);
  s.open = false;
  return s;
}

// The first step's choice after the nearest neighbours (Trimmer.cluster's opening scan); false when M = 0.
bool begin(Session& s, double r2, double pt_cut) {
  if (!(r2 > 0)) fail("genTrim: r2 must be > 0");
  s.r2 = r2;
  s.pt_cut = pt_cut;
  if (s.na == 0) return false;
  s.init_nn(s.na);
  s.best_a = -1;
  s.best_d = kInf;
  for (int a = 0; a < s.na; a++)
    if (s.adi[a] < s.best_d) s.best_d = s.adi[a], s.best_a = a;
  s.open = true;
  return true;
}

// genTrimStart(F: Float64Array, I: Int32Array, M, cap, ptCut, r2) -> 1 (merge due: JavaScript does it, then calls
// genTrimResume) or 0 (done; keep in I).
Napi::Value GenTrimStart(const Napi::CallbackInfo& info) {
  Session& s = bind(info, "genTrimStart", 6);
  double pt_cut = number(info[4], "genTrimStart", "ptCut"), r2 = number(info[5], "genTrimStart", "r2");
  int due = begin(s, r2, pt_cut) ? s.run_until_merge() : 0;
  return Napi::Number::New(info.Env(), due);
}

// genTrimResume() -> 1 (next merge due) or 0 (done): after JavaScript did the merge genTrimStart/Resume asked for.
Napi::Value GenTrimResume(const Napi::CallbackInfo& info) {
  Session& s = S;
  if (!s.open) fail("genTrimResume: no trimming in progress (call genTrimStart first)");
  s.finish_merge();
  return Napi::Number::New(info.Env(), s.run_until_merge());
}

// genTrim(F, I, M, cap, fCut, r2): the whole jet here, merges included, with V8's math (Trimmer.run step by step:
// px, py sums in particle order, pT cut = fCut |sum pT|). Keep flags in I. Throws when V8's math was not found.
Napi::Value GenTrim(const Napi::CallbackInfo& info) {
  const V8Math& m = v8math();
  if (!m.ok) fail("genTrim: V8's math functions not found in this node binary (use genTrimStart)");
  Session& s = bind(info, "genTrim", 6);
  double f_cut = number(info[4], "genTrim", "fCut"), r2 = number(info[5], "genTrim", "r2");
  size_t M = static_cast<size_t>(s.na);
  if (s.ce.size() < M) {
    for (auto* v : {&s.ce, &s.cpx, &s.cpy, &s.cpz, &s.dy0_store}) v->resize(2 * M);
    s.lazy.resize(2 * M);
  }
  double px = 0, py = 0;
  for (size_t i = 0; i < M; i++) {
    double pt = s.cpt[i];
    s.cpx[i] = pt * m.cos(s.aphi[i]);
    s.cpy[i] = pt * m.sin(s.aphi[i]);
    px += s.cpx[i];
    py += s.cpy[i];
    s.lazy[i] = 1;
    s.dy0_store[i] = s.ay[i];
  }
  if (begin(s, r2, f_cut * std::sqrt(px * px + py * py))) {
    while (s.run_until_merge()) {
      s.merge_here(m);
      s.finish_merge();
    }
  }
  return info.Env().Undefined();
}

// genMath(name, x, y, out): out[i] = f(x[i]) or f(x[i], y[i]) with V8's function `name` (log, cos, sin, cosh, sinh,
// atan2), for the tests and NativeTrimmer.create's check against Math.*; false when the functions were not found.
Napi::Value GenMath(const Napi::CallbackInfo& info) {
  const V8Math& m = v8math();
  if (!m.ok) return Napi::Boolean::New(info.Env(), false);
  if (info.Length() != 4) fail("genMath: expected (name, x, y, out)");
  std::string name = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  auto x = typed<double>(info[1], "genMath: x");
  auto y = typed<double>(info[2], "genMath: y");
  auto out = typed<double>(info[3], "genMath: out");
  if (out.size != x.size || (name == "atan2" && y.size != x.size)) fail("genMath: x, y, out must have equal lengths");
  Unary f = name == "log" ? m.log : name == "cos" ? m.cos : name == "sin" ? m.sin : name == "cosh" ? m.cosh : name == "sinh" ? m.sinh : nullptr;
  if (name == "atan2") {
    for (size_t i = 0; i < x.size; i++) out[i] = m.atan2(x[i], y[i]);
  } else if (name == "coshsinh" || name == "sinhcosh") {  // the trimmer's shared cosh_sinh: one of its two results
    double c, s;
    for (size_t i = 0; i < x.size; i++) cosh_sinh(m, x[i], &c, &s), out[i] = name == "coshsinh" ? c : s;
  } else {
    if (!f) fail("genMath: name must be log, cos, sin, cosh, sinh, atan2, coshsinh or sinhcosh");
    for (size_t i = 0; i < x.size; i++) out[i] = f(x[i]);
  }
  return Napi::Boolean::New(info.Env(), true);
}

}  // namespace

JETLENS_EXPORT_GUARDED("genTrimStart", GenTrimStart);
JETLENS_EXPORT_GUARDED("genTrimResume", GenTrimResume);
JETLENS_EXPORT_GUARDED("genTrim", GenTrim);
JETLENS_EXPORT_GUARDED("genMath", GenMath);

}  // namespace jetlens
