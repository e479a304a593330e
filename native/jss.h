// Shared pieces of the jet-substructure ops (jss.cc, images.cc): angles and exclusive kT clustering.
// They mirror src/jets/batch.ts (wrapPhi) and src/jss/cluster.ts step by step.
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

namespace jetlens::jss {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTwoPi = 2 * kPi;

// Same as wrapPhi in src/jets/batch.ts (fmod == JS %).
inline double wrap_phi(double d) {
  if (d >= -kPi && d <= kPi) return d;  // fmod would return d unchanged: same bits, no division
  d = std::fmod(d, kTwoPi);
  if (d > kPi) d -= kTwoPi;
  else if (d < -kPi) d += kTwoPi;
  return d;
}
inline double delta_r2(double y1, double p1, double y2, double p2) {
  double dy = y1 - y2, dp = wrap_phi(p1 - p2);
  return dy * dy + dp * dp;
}

// Per-thread clustering scratch; after kt_axes, ay[N], aphi[N], apt[N] hold the N objects left (N <= n_max, N < M).
struct KtScratch {
  std::vector<double> P, Y, F, E, PX, PY, PZ, nd;
  std::vector<int> nn, active;
  std::vector<std::vector<double>> ay, aphi, apt;
};

// Exclusive kT (E-scheme, or winner-takes-all when wta) down to one object. dr2: the constituents' DeltaR^2
// matrix (M x M) when the caller has it, else nullptr.
// mass: the constituents' masses (E = mT cosh y, pz = mT sinh y), or nullptr for massless.
void kt_axes(const double* pt, const double* y, const double* phi, const double* dr2, size_t M, int n_max, bool wta,
             KtScratch& s, const double* mass = nullptr);

}  // namespace jetlens::jss
