// Grooming (trimming, soft drop) by inclusive kT / C-A re-clustering, threaded over jets. Mirrors recluster() in
// src/jss/cluster.ts and groomJet() in src/jss/groom.ts step by step (same distances, ties and sums), so the
// kept constituents are identical and the numbers agree to rounding of the transcendental functions.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common.h"
#include "kinematics.h"

namespace jetlens {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Spec {
  bool trim = true;
  bool kt = true;  // the re-clustering: kt (true) or C/A
  double r_sub = 0, f_cut = 0, z_cut = 0, beta = 0, r0 = 1;
};

// Per-thread clustering scratch, reused across jets.
struct Tree {
  size_t n = 0;
  std::vector<int> left, right, finals, active, nn;
  std::vector<double> P, Y, F, E, PX, PY, PZ, nd;
};

inline double transverse_mass(double pt, double m) { return m == 0 ? pt : std::sqrt(pt * pt + m * m); }

// delta_r2 of kinematics.h without the fmod when |dphi| <= pi (fmod would return it unchanged): same squares.
inline double dr2_fast(double y1, double p1, double y2, double p2) {
  double dy = y1 - y2, dp = p1 - p2;
  if (!(dp >= -kPi && dp <= kPi)) dp = wrap_phi(dp);
  return dy * dy + dp * dp;
}

// Inclusive generalised-kT clustering with radius R (kInf: one tree); see recluster() in cluster.ts.
// ctl: polled in the O(M^2) loops (throws Cancelled): a huge jet is cancelled inside the clustering.
void recluster(const double* pt, const double* y, const double* phi, const double* mass, size_t M, bool kt, double R,
               Tree& t, const Control* ctl) {
  Ticker tick(ctl);
  size_t cap = M ? 2 * M - 1 : 0;
  t.n = M;
  t.left.assign(M ? M - 1 : 0, 0);
  t.right.assign(M ? M - 1 : 0, 0);
  t.finals.clear();
  t.active.clear();
  for (auto* v : {&t.P, &t.Y, &t.F, &t.E, &t.PX, &t.PY, &t.PZ}) v->assign(cap, 0.0);
  t.nd.assign(cap, kInf);
  t.nn.assign(cap, -1);
  auto &P = t.P, &Y = t.Y, &F = t.F, &E = t.E, &PX = t.PX, &PY = t.PY, &PZ = t.PZ, &nd = t.nd;
  auto &nn = t.nn, &active = t.active;
  for (size_t i = 0; i < M; ++i) {
    double mt = transverse_mass(pt[i], mass ? mass[i] : 0);
    P[i] = pt[i], Y[i] = y[i], F[i] = phi[i];
    E[i] = mt * std::cosh(y[i]);
    PX[i] = pt[i] * std::cos(phi[i]);
    PY[i] = pt[i] * std::sin(phi[i]);
    PZ[i] = mt * std::sinh(y[i]);
    active.push_back((int)i);
  }
  const double R2 = R * R;
  auto k = [&](int i) { return kt ? P[i] * P[i] : 1.0; };
  auto dist = [&](int i, int j) { return std::min(k(i), k(j)) * dr2_fast(Y[i], F[i], Y[j], F[j]); };
  auto beam = [&](int i) { return R2 == kInf ? kInf : k(i) * R2; };
  auto find_nn = [&](int i) {
    nn[i] = -1;
    nd[i] = kInf;
    for (int j : active) {
      if (j == i) continue;
      double d = dist(i, j);
      if (d < nd[i]) nd[i] = d, nn[i] = j;
    }
  };
  for (int i : active) {
    tick.tick(active.size());
    find_nn(i);
  }
  int next = (int)M;
  while (!active.empty()) {
    tick.tick(active.size());
    int a = -1, b = -1;
    double bd = kInf;
    for (int i : active) {
      double dB = beam(i);
      bool pair = nn[i] >= 0 && nd[i] < dB;
      double d = pair ? nd[i] : dB;
      int lo = pair ? std::min(i, nn[i]) : i, hi = pair ? std::max(i, nn[i]) : i;
      if (a < 0 || d < bd || (d == bd && (lo < a || (lo == a && hi < b)))) bd = d, a = lo, b = hi;
    }
    if (a == b) {
      t.finals.push_back(a);
      active.erase(std::find(active.begin(), active.end(), a));
      for (int i : active)
        if (nn[i] == a) find_nn(i);
      continue;
    }
    int c = next++;
    t.left[c - M] = a;
    t.right[c - M] = b;
    E[c] = E[a] + E[b];
    PX[c] = PX[a] + PX[b];
    PY[c] = PY[a] + PY[b];
    PZ[c] = PZ[a] + PZ[b];
    P[c] = std::sqrt(PX[c] * PX[c] + PY[c] * PY[c]);
    bool same = delta_r2(Y[a], F[a], Y[b], F[b]) == 0;
    Y[c] = same ? Y[a] : 0.5 * std::log((E[c] + PZ[c]) / (E[c] - PZ[c]));
    F[c] = same ? F[a] : std::atan2(PY[c], PX[c]);
    active.erase(std::find(active.begin(), active.end(), b));
    active.erase(std::find(active.begin(), active.end(), a));
    active.push_back(c);
    find_nn(c);
    for (int i : active) {
      if (i == c) continue;
      if (nn[i] == a || nn[i] == b) find_nn(i);
      else {
        double d = dist(i, c);
        if (d < nd[i]) nd[i] = d, nn[i] = c;
      }
    }
  }
}

void mark(const Tree& t, int node, uint8_t* keep, std::vector<int>& stack) {
  stack.assign(1, node);
  while (!stack.empty()) {
    int o = stack.back();
    stack.pop_back();
    if ((size_t)o < t.n) keep[o] = 1;
    else stack.push_back(t.left[o - t.n]), stack.push_back(t.right[o - t.n]);
  }
}

double angular_factor(double dr2, double r0, double beta) {
  if (beta == 0) return 1;
  if (beta == 2) return dr2 / (r0 * r0);
  double r = std::sqrt(dr2) / r0;
  return beta == 1 ? r : std::pow(r, beta);
}

struct Scratch {
  Tree tree;
  std::vector<int> stack;
};

// One jet: keep[0..M) and info[0..2) (see groomJet in groom.ts).
void groom_jet(const double* pt, const double* y, const double* phi, const double* mass, size_t M, const Spec& s,
               Scratch& w, uint8_t* keep, double* info, const Control* ctl) {
  info[0] = info[1] = 0;
  std::fill(keep, keep + M, 0);
  if (M == 0) return;
  Tree& t = w.tree;
  if (s.trim) {
    recluster(pt, y, phi, mass, M, s.kt, s.r_sub, t, ctl);
    double px = 0, py = 0;
    for (size_t i = 0; i < M; ++i) px += pt[i] * std::cos(phi[i]), py += pt[i] * std::sin(phi[i]);
    double pt_min = s.f_cut * std::sqrt(px * px + py * py);
    int kept = 0;
    for (int f : t.finals)
      if (t.P[f] >= pt_min) mark(t, f, keep, w.stack), ++kept;
    info[0] = kept;
    info[1] = (double)t.finals.size();
    return;
  }
  recluster(pt, y, phi, mass, M, s.kt, kInf, t, ctl);
  int node = t.finals[0];
  const int m = (int)M;
  while (node >= m) {
    int p1 = t.left[node - m], p2 = t.right[node - m];
    double pt1 = t.P[p1], pt2 = t.P[p2];
    double z = std::min(pt1, pt2) / (pt1 + pt2);
    double dr2 = delta_r2(t.Y[p1], t.F[p1], t.Y[p2], t.F[p2]);
    if (z > s.z_cut * angular_factor(dr2, s.r0, s.beta)) {
      info[0] = z;
      info[1] = std::sqrt(dr2);
      break;
    }
    node = pt1 >= pt2 ? p1 : p2;
  }
  mark(t, node, keep, w.stack);
}

double checked(const Opts& o, const char* k, double lo, double hi, bool lo_open) {
  double v = o.number(k);
  if (!(std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi)) fail(o.where(k) + ": out of range");
  return v;
}

}  // namespace

// jssGroom({offsets, pt, y, phi, mass?, keep: Uint8Array(size), info: Float64Array(2N), method: 'trim'|'softdrop',
//           algorithm: 'kt'|'ca', rSub, fCut, zCut, beta, R0, threads, control}) -> Promise<undefined>
static Napi::Value JssGroom(const Napi::CallbackInfo& info) {
  Opts o(info[0], "jssGroom");
  JetView jets = jets_from(o);
  const double* m = masses_from(o, jets);
  auto keep = o.typed<uint8_t>("keep");
  auto out = o.typed<double>("info");
  if (keep.size != jets.pt.size) fail("jssGroom.keep: expected one entry per constituent");
  if (out.size != 2 * jets.n()) fail("jssGroom.info: expected length 2 N");
  for (size_t i = 0; i < jets.pt.size; ++i)
    if (!(std::isfinite(jets.pt[i]) && jets.pt[i] > 0 && std::isfinite(jets.y[i]) && std::isfinite(jets.phi[i])))
      fail("jssGroom: constituent " + std::to_string(i) + " has a non-finite value or pT <= 0");
  Spec s;
  s.trim = o.choice("method", {"trim", "softdrop"}) == 0;
  s.kt = o.choice("algorithm", {"kt", "ca"}) == 0;
  if (s.trim) {
    s.r_sub = checked(o, "rSub", 0, 10, true);
    s.f_cut = checked(o, "fCut", 0, 1, false);
  } else {
    s.z_cut = checked(o, "zCut", 0, 1, false);
    s.beta = checked(o, "beta", -10, 10, false);
    s.r0 = checked(o, "R0", 0, 10, true);
  }
  o.accept({"rSub", "fCut", "zCut", "beta", "R0"});  // the other method's parameters may be passed; unused
  int threads = resolve_threads((int)o.integer("threads", 0, 256, 0));
  Control control = control_from(o.raw("control"));
  o.done();
  auto work = [jets, m, keep, out, s, threads, control]() -> std::string {
    parallel_for(jets.n(), threads, [&](size_t j) {
      if (control.cancelled()) return;
      thread_local Scratch w;
      size_t a = jets.begin(j), M = jets.end(j) - a;
      groom_jet(jets.pt.data + a, jets.y.data + a, jets.phi.data + a, m ? m + a : nullptr, M, s, w, keep.data + a,
                out.data + 2 * j, &control);
      control.add_done(1);
    }, 4, "jet");
    return "";
  };
  return run_async(info.Env(), o.keep(), work, [](Napi::Env env) { return env.Undefined(); });
}
JETLENS_EXPORT_GUARDED("jssGroom", JssGroom);

}  // namespace jetlens
