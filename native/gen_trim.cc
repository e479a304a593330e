// The generator's trimmer (src/jets/generator/trim.ts, Trimmer) with its clustering bookkeeping in C++, for
// NativeTrimmer (src/jets/generator/trim-native.ts). Byte-identical output is the contract (test/generator-bytes),
// and the only transcendental functions of the clustering (log for a merged cluster's rapidity, atan2 for its
// azimuth, cosh/sinh/cos/sin of the inputs) differ in the last bit between glibc and V8's Math.*: so this file
// does none of them. It runs the kT steps (nearest neighbours, d_ij, choice of the next step, retiring subjets)
// until a merge needs a new cluster's (y, phi), returns to JavaScript, which does the merge's arithmetic with
// Math.* exactly as Trimmer does, and resumes. Every operation here is a +, -, *, / or comparison of doubles in
// the same order as trim.ts, so the results are the same bits (no FMA contraction: see the pragmas).
//
// State: the caller's typed arrays (layout in trim-native.ts), whose data pointers genTrimStart keeps for the
// genTrimResume calls of the same jet; JavaScript is single-threaded per isolate and one jet's steps run without
// yielding, so a thread_local session is enough (worker threads each have their own).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include <limits>

#include "common.h"

namespace jetlens {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Header slots (must match trim-native.ts): F[0] = y, F[1] = phi of the merged cluster (written by JavaScript);
// I[0] = best, I[1] = j of the merge JavaScript must do.
constexpr int kFHead = 2, kIHead = 2;

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

  void init_nn(int M) {
    for (int i = 0; i < M; i++) ann[i] = -1, annd[i] = kInf;
    for (int i = 0; i < M; i++) {
      double yi = ay[i], fi = aphi[i];
      int bj = ann[i];
      double bd = annd[i];
      for (int j = i + 1; j < M; j++) {
        double dy = yi - ay[j], df = fi - aphi[j];
        double d = dy * dy + df * df;
        if (d < bd || (d == bd && j < bj)) bd = d, bj = j;
        if (d < annd[j] || (d == annd[j] && i < ann[j])) annd[j] = d, ann[j] = i;
      }
      ann[i] = bj;
      annd[i] = bd;
    }
    for (int a = 0; a < M; a++) set_d(a);
  }

  void remove_at(int a) {
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

  void update_nn(int ai) {
    int bj = -1;
    double bd = kInf;
    double yi = ay[ai], fi = aphi[ai];
    for (int a = 0; a < na; a++) {
      if (a == ai) continue;
      double dy = yi - ay[a], df = fi - aphi[a];
      double d = dy * dy + df * df;
      if (d < bd || (d == bd && aid[a] < bj)) bd = d, bj = aid[a];
    }
    ann[ai] = bj;
    annd[ai] = bd;
    set_d(ai);
  }

  void refresh(int gone, int changed) {
    int ac = changed >= 0 ? pos[changed] : -1;
    double yc = changed >= 0 ? ay[ac] : 0, fc = changed >= 0 ? aphi[ac] : 0;
    int ba = -1;
    double bd = kInf;
    for (int a = 0; a < na; a++) {
      if (a != ac) {
        int nj = ann[a];
        if (nj == gone || nj == changed) {
          update_nn(a);
        } else if (changed >= 0) {
          double dy = ay[a] - yc, df = aphi[a] - fc;
          double d = dy * dy + df * df;
          if (d < annd[a]) {
            ann[a] = changed;
            annd[a] = d;
            set_d(a);
          }
        }
      }
      if (adi[a] < bd) bd = adi[a], ba = a;
    }
    best_a = ba;
    best_d = bd;
  }

  // Runs steps until a merge is due (returns 1, I[0] = best, I[1] = j) or every cluster is retired (returns 0).
  int run_until_merge() {
    while (na > 0) {
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

  // The second half of a merge step, after JavaScript summed the four-momenta into `best` and wrote its cpt, y, phi.
  void finish_merge() {
    int best = ih[0], j = ih[1];
    next[tail[best]] = head[j];
    tail[best] = tail[j];
    remove_at(pos[j]);
    int ab = pos[best];
    ay[ab] = fh[0];
    aphi[ab] = fh[1];
    update_nn(ab);
    refresh(j, best);
  }
};

// One session per thread (worker threads each have theirs); entry points take a reference once: every access to
// a thread_local in a shared object is a __tls_get_addr call.
thread_local Session S;

// genTrimStart(F: Float64Array, I: Int32Array, M, cap, ptCut, r2) -> 1 (merge due) or 0 (done).
// JavaScript has filled cpt (by id) and ay, aphi (by position = id) for the M particles; everything else is set here.
Napi::Value GenTrimStart(const Napi::CallbackInfo& info) {
  if (info.Length() != 6) fail("genTrimStart: expected (F, I, M, cap, ptCut, r2)");
  auto F = typed<double>(info[0], "genTrimStart: F");
  auto I = typed<int32_t>(info[1], "genTrimStart: I");
  int64_t cap = integer(info[3], "genTrimStart: cap", 1, 1 << 24);
  int64_t M = integer(info[2], "genTrimStart: M", 0, cap);
  if (F.size < static_cast<size_t>(kFHead + 5 * cap)) fail("genTrimStart: F shorter than 2 + 5 cap");
  if (I.size < static_cast<size_t>(kIHead + 7 * cap)) fail("genTrimStart: I shorter than 2 + 7 cap");
  double pt_cut = number(info[4], "genTrimStart: ptCut"), r2 = number(info[5], "genTrimStart: r2");
  if (!(r2 > 0)) fail("genTrimStart: r2 must be > 0");
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
    if (!(s.cpt[i] >= 0)) fail("genTrimStart: particle " + std::to_string(i) + " has pT < 0 or NaN");
  }
  s.na = static_cast<int>(M);
  s.r2 = r2;
  s.pt_cut = pt_cut;
  s.open = true;
  if (M == 0) {
    s.open = false;
    return Napi::Number::New(info.Env(), 0);
  }
  s.init_nn(static_cast<int>(M));
  s.best_a = -1;
  s.best_d = kInf;
  for (int a = 0; a < s.na; a++)
    if (s.adi[a] < s.best_d) s.best_d = s.adi[a], s.best_a = a;
  return Napi::Number::New(info.Env(), s.run_until_merge());
}

// genTrimResume() -> 1 (next merge due) or 0 (done): after JavaScript did the merge genTrimStart/Resume asked for.
Napi::Value GenTrimResume(const Napi::CallbackInfo& info) {
  Session& s = S;
  if (!s.open) fail("genTrimResume: no trimming in progress (call genTrimStart first)");
  s.finish_merge();
  return Napi::Number::New(info.Env(), s.run_until_merge());
}

}  // namespace

JETLENS_EXPORT_GUARDED("genTrimStart", GenTrimStart);
JETLENS_EXPORT_GUARDED("genTrimResume", GenTrimResume);

}  // namespace jetlens
