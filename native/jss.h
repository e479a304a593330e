// Shared pieces of the jet-substructure ops (jss.cc, images.cc): angles and exclusive kT clustering.
// They mirror src/jss/cluster.ts step by step; angles (wrap_phi, delta_r2) come from kinematics.h.
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

#include "common.h"
#include "kinematics.h"

namespace jetlens::jss {

// Per-thread clustering scratch; after kt_axes, ay[N], aphi[N], apt[N] hold the N objects left (N <= n_max, N < M).
struct KtScratch {
  std::vector<double> P, Y, F, E, PX, PY, PZ, nd;
  std::vector<int> nn, active;
  std::vector<std::vector<double>> ay, aphi, apt;
};

// Exclusive kT (E-scheme, or winner-takes-all when wta) down to one object. dr2: the constituents' DeltaR^2
// matrix (M x M) when the caller has it, else nullptr.
// mass: the constituents' masses (E = mT cosh y, pz = mT sinh y), or nullptr for massless.
// ctl: polled in the O(M^2) loops (throws Cancelled), so a huge jet is cancelled inside the clustering.
void kt_axes(const double* pt, const double* y, const double* phi, const double* dr2, size_t M, int n_max, bool wta,
             KtScratch& s, const double* mass = nullptr, const Control* ctl = nullptr);

}  // namespace jetlens::jss
