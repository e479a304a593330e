// Jet substructure observables, threads over jets. Mirrors src/jss/reference.ts and
// src/jss/cluster.ts step by step; the TypeScript side forms the ratios (C2, D2, tau21, tau32).
//
// Per jet the base row is [pt, mass, rap, phi, mult, width, (e2, e3) per ECF beta, tau_1..tau_nMax per tau beta].
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "common.h"
#include "jss.h"

namespace jetlens {
namespace {

using namespace jss;
constexpr size_t kKin = 6;

inline double pow_beta(double dr2, double beta) {
  if (beta == 2) return dr2;
  if (beta == 1) return std::sqrt(dr2);
  return std::pow(dr2, beta / 2);
}

struct Request {
  std::vector<double> ecf_betas;
  std::vector<uint8_t> need_e3;
  std::vector<double> tau_betas;
  int n_max = 0;
  int axes = 0;  // 0 kt, 1 wta, 2 onepass
  size_t row() const { return kKin + 2 * ecf_betas.size() + (size_t)n_max * tau_betas.size(); }
};

// Per-thread scratch, reused across jets.
struct Scratch {
  std::vector<double> z, dr2, D, sh, ch, sn, cs;
  KtScratch kt;
  Control ctl;  // checked in the O(M^2) and O(M^3) loops: a huge jet is cancelled inside the jet
};

inline void nearest(double yi, double pi, const std::vector<double>& ay, const std::vector<double>& aphi, size_t& best,
                    double& bd) {
  best = 0;
  bd = std::numeric_limits<double>::infinity();
  for (size_t a = 0; a < ay.size(); ++a) {
    double d = delta_r2(yi, pi, ay[a], aphi[a]);
    if (d < bd) bd = d, best = a;
  }
}

double tau(const double* z, const double* y, const double* phi, size_t M, const std::vector<double>& ay,
           const std::vector<double>& aphi, double beta) {
  double s = 0;
  for (size_t i = 0; i < M; ++i) {
    size_t a;
    double d2;
    nearest(y[i], phi[i], ay, aphi, a, d2);
    s += z[i] * pow_beta(d2, beta);
  }
  return s;
}

// One-pass optimised axes (see onePassTau in reference.ts).
double one_pass_tau(const double* z, const double* y, const double* phi, size_t M, const std::vector<double>& ay,
                    const std::vector<double>& aphi, double beta) {
  size_t N = ay.size();
  std::vector<double> sw(N, 0.0), sy(N, 0.0), sp(N, 0.0);
  std::vector<uint8_t> pinned(N, 0);
  for (size_t i = 0; i < M; ++i) {
    size_t a;
    double d2;
    nearest(y[i], phi[i], ay, aphi, a, d2);
    if (beta < 2 && d2 == 0) pinned[a] = 1;
    double w = beta == 2 ? z[i] : beta == 1 ? z[i] / std::sqrt(d2) : z[i] * std::pow(d2, (beta - 2) / 2);
    if (!(w < std::numeric_limits<double>::infinity())) continue;
    sw[a] += w;
    sy[a] += w * (y[i] - ay[a]);
    sp[a] += w * wrap_phi(phi[i] - aphi[a]);
  }
  std::vector<double> ny(N), nphi(N);
  for (size_t a = 0; a < N; ++a) {
    bool move = !pinned[a] && sw[a] > 0;
    ny[a] = move ? ay[a] + sy[a] / sw[a] : ay[a];
    nphi[a] = move ? aphi[a] + sp[a] / sw[a] : aphi[a];
  }
  return tau(z, y, phi, M, ny, nphi, beta);
}

// m^2 = sum_{i<j} 4 pT_i pT_j (sinh^2(dy/2) + sin^2(dphi/2)) as in reference.ts, with the half-differences from
// per-particle half-angles (sinh(a - b) = sinh a cosh b - cosh a sinh b, likewise sin) around the first particle:
// no transcendental call per pair, |a|, |b| small so the products lose no relative precision that matters
// (agrees with the reference to ~1e-15 relative on jets of any realistic spread).
double mass2(const double* pt, const double* y, const double* phi, size_t M, Scratch& s) {
  s.sh.resize(M), s.ch.resize(M), s.sn.resize(M), s.cs.resize(M);
  for (size_t i = 0; i < M; ++i) {
    double a = 0.5 * (y[i] - y[0]), b = 0.5 * wrap_phi(phi[i] - phi[0]);
    s.sh[i] = std::sinh(a), s.ch[i] = std::cosh(a), s.sn[i] = std::sin(b), s.cs[i] = std::cos(b);
  }
  const double *sh = s.sh.data(), *ch = s.ch.data(), *sn = s.sn.data(), *cs = s.cs.data();
  double m2 = 0;
  Ticker tick(&s.ctl);
  for (size_t i = 0; i < M; ++i) {
    tick.tick(M - i);
    double acc = 0;
    for (size_t j = i + 1; j < M; ++j) {
      double sy = sh[i] * ch[j] - ch[i] * sh[j];
      double sp = sn[i] * cs[j] - cs[i] * sn[j];
      acc += pt[j] * (sy * sy + sp * sp);
    }
    m2 += 4 * pt[i] * acc;
  }
  return m2;
}

void kinematics(const double* pt, const double* y, const double* phi, size_t M, Scratch& s, double* out) {
  double E = 0, px = 0, py = 0, pz = 0, sum_pt = 0;
  for (size_t i = 0; i < M; ++i) {
    E += pt[i] * std::cosh(y[i]);
    px += pt[i] * std::cos(phi[i]);
    py += pt[i] * std::sin(phi[i]);
    pz += pt[i] * std::sinh(y[i]);
    sum_pt += pt[i];
  }
  double m2 = mass2(pt, y, phi, M, s);
  // One constituent: its own direction exactly, so width = 0 (see reference.ts).
  double jet_y = M == 1 ? y[0] : 0.5 * std::log((E + pz) / (E - pz));
  double jet_phi = M == 1 ? wrap_phi(phi[0]) : std::atan2(py, px);
  double width = 0;
  for (size_t i = 0; i < M; ++i) width += pt[i] * std::sqrt(delta_r2(y[i], phi[i], jet_y, jet_phi));
  out[0] = std::sqrt(px * px + py * py);
  out[1] = std::sqrt(m2);
  out[2] = jet_y;
  out[3] = jet_phi;
  out[4] = (double)M;
  out[5] = width / sum_pt;
}

// sum_k z_k a_k b_k with four accumulators (lets the compiler use vector registers without -ffast-math).
inline double dot3(const double* z, const double* a, const double* b, size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += z[k] * a[k] * b[k];
    s1 += z[k + 1] * a[k + 1] * b[k + 1];
    s2 += z[k + 2] * a[k + 2] * b[k + 2];
    s3 += z[k + 3] * a[k + 3] * b[k + 3];
  }
  for (; k < n; ++k) s0 += z[k] * a[k] * b[k];
  return (s0 + s1) + (s2 + s3);
}

// The O(M^3) loop: an AVX2 clone is picked at load time where the CPU has it (the default clone runs anywhere).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void ecfs(const double* z, const double* dr2, size_t M, double beta, bool with_e3, std::vector<double>& D, double* out,
          const Control& ctl) {
  D.resize(M * M);
  for (size_t k = 0; k < M * M; ++k) D[k] = pow_beta(dr2[k], beta);
  double e2 = 0, e3 = 0;
  for (size_t i = 0; i < M; ++i) {
    // No throw here: GCC treats a target_clones function as nothrow, so an exception leaving it calls
    // std::terminate (checked with g++ 12). Stop early instead; jet_row rethrows after the call.
    if (ctl.cancelled()) break;
    const double* Di = &D[i * M];
    for (size_t j = i + 1; j < M; ++j) {
      double w = z[i] * z[j] * Di[j];
      e2 += w;
      if (with_e3 && j + 1 < M) e3 += w * dot3(z + j + 1, Di + j + 1, &D[j * M] + j + 1, M - j - 1);
    }
  }
  out[0] = e2;
  out[1] = with_e3 ? e3 : 0;
}

void jet_row(const double* pt, const double* y, const double* phi, const double* mass, size_t M, const Request& r, Scratch& s,
             double* out) {
  std::fill(out, out + r.row(), 0.0);
  if (M == 0) return;
  kinematics(pt, y, phi, M, s, out);
  double sum_pt = 0;
  for (size_t i = 0; i < M; ++i) sum_pt += pt[i];
  s.z.resize(M);
  for (size_t i = 0; i < M; ++i) s.z[i] = pt[i] / sum_pt;
  s.dr2.resize(M * M);
  for (size_t i = 0; i < M; ++i) {
    s.ctl.check();
    s.dr2[i * M + i] = 0;
    for (size_t j = i + 1; j < M; ++j) s.dr2[i * M + j] = s.dr2[j * M + i] = delta_r2(y[i], phi[i], y[j], phi[j]);
  }
  double* at = out + kKin;
  for (size_t b = 0; b < r.ecf_betas.size(); ++b, at += 2) {
    ecfs(s.z.data(), s.dr2.data(), M, r.ecf_betas[b], r.need_e3[b], s.D, at, s.ctl);
    s.ctl.check();  // outside the target_clones function, where an exception can unwind
  }
  if (r.n_max > 0) {
    s.ctl.check();
    kt_axes(pt, y, phi, s.dr2.data(), M, r.n_max, r.axes == 1, s.kt, mass, &s.ctl);
    for (double beta : r.tau_betas) {
      for (int n = 1; n <= r.n_max; ++n) {
        if (M <= (size_t)n) at[n - 1] = 0;
        else if (r.axes == 2) at[n - 1] = one_pass_tau(s.z.data(), y, phi, M, s.kt.ay[n], s.kt.aphi[n], beta);
        else at[n - 1] = tau(s.z.data(), y, phi, M, s.kt.ay[n], s.kt.aphi[n], beta);
      }
      at += r.n_max;
    }
  }
}

std::vector<double> betas_from(const Opts& o, const char* k) {
  auto a = o.typed<double>(k);
  std::vector<double> out(a.data, a.data + a.size);
  for (double b : out)
    if (!(std::isfinite(b) && b > 0)) fail(o.where(k) + ": every beta must be finite and > 0");
  return out;
}

}  // namespace

// jssObservables({offsets, pt, y, phi, mass?, out: Float64Array(N * K), ecfBetas: Float64Array, needE3: Uint8Array,
//                 tauBetas: Float64Array, nMax, axes: 'kt'|'wta'|'onepass', threads?, control?}) -> Promise<undefined>
static Napi::Value JssObservables(const Napi::CallbackInfo& info) {
  Opts o(info[0], "jssObservables");
  JetView jets = jets_from(o);
  // Optional constituent masses (jetops): they enter the E-scheme kT axes; the kinematic columns with masses are
  // formed in TypeScript (src/jss/massive.ts).
  const double* mass = masses_from(o, jets);
  auto out = o.typed<double>("out");
  Request r;
  r.ecf_betas = betas_from(o, "ecfBetas");
  auto e3 = o.typed<uint8_t>("needE3");
  if (e3.size != r.ecf_betas.size()) fail("jssObservables.needE3: expected one flag per ECF beta");
  r.need_e3.assign(e3.data, e3.data + e3.size);
  r.tau_betas = betas_from(o, "tauBetas");
  r.n_max = (int)o.integer("nMax", 0, 64);
  r.axes = o.choice("axes", {"kt", "wta", "onepass"});
  int threads = resolve_threads((int)o.integer("threads", 0, 256, 0));
  Control control = control_from(o.raw("control"));
  o.done();
  size_t n = jets.n(), K = r.row();
  if (out.size != n * K) fail("jssObservables.out: expected length N * K = " + std::to_string(n * K));
  // Two M x M double matrices per thread (dr2 and D) for the largest jet: checked before any is allocated.
  size_t maxM = 0, largest = 0;
  for (size_t j = 0; j < n; ++j)
    if (jets.end(j) - jets.begin(j) > maxM) maxM = jets.end(j) - jets.begin(j), largest = j;
  check_scratch(2.0 * 8 * (double)maxM * (double)maxM * (double)std::min<size_t>((size_t)threads, std::max<size_t>(n, 1)),
                "observables: jet " + std::to_string(largest) + " (" + std::to_string(maxM) + " particles)");
  auto work = [jets, out, r, threads, control, mass]() -> std::string {
    parallel_for(jets.n(), threads, [&](size_t j) {
      if (control.cancelled()) return;
      thread_local Scratch s;
      s.ctl = control;
      size_t a = jets.begin(j), m = jets.end(j) - a;
      jet_row(jets.pt.data + a, jets.y.data + a, jets.phi.data + a, mass ? mass + a : nullptr, m, r, s, out.data + j * r.row());
      control.add_done(1);
    }, 4, "jet");
    return "";
  };
  return run_async(info.Env(), o.keep(), work, [](Napi::Env env) { return env.Undefined(); });
}
JETLENS_EXPORT_GUARDED("jssObservables", JssObservables);

}  // namespace jetlens
