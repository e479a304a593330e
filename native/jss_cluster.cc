// Exclusive kT clustering for N-subjettiness axes and image subjets (mirrors src/jss/cluster.ts).
#include <algorithm>
#include <limits>

#include "jss.h"

namespace jetlens::jss {

// Records the active objects' (y, phi) at each N <= n_max (see cluster.ts).
// dr2: the constituents' DeltaR^2 matrix (M x M), bit-identical to delta_r2 on the originals, reused here.
void kt_axes(const double* pt, const double* y, const double* phi, const double* dr2, size_t M, int n_max, bool wta,
             KtScratch& s, const double* mass, const Control* ctl) {
  Ticker tick(ctl);
  s.ay.assign(n_max + 1, {});
  s.aphi.assign(n_max + 1, {});
  s.apt.assign(n_max + 1, {});
  if (M <= 1 || n_max < 1) return;
  size_t cap = 2 * M - 1;
  for (auto* v : {&s.P, &s.Y, &s.F, &s.E, &s.PX, &s.PY, &s.PZ, &s.nd}) v->assign(cap, 0.0);
  s.nn.assign(cap, -1);
  auto &P = s.P, &Y = s.Y, &F = s.F, &E = s.E, &PX = s.PX, &PY = s.PY, &PZ = s.PZ, &nd = s.nd;
  auto& nn = s.nn;
  auto& active = s.active;
  active.clear();
  for (size_t i = 0; i < M; ++i) {
    P[i] = pt[i];
    Y[i] = y[i];
    F[i] = phi[i];
    double mt = mass && mass[i] != 0 ? std::sqrt(pt[i] * pt[i] + mass[i] * mass[i]) : pt[i];  // see cluster.ts
    E[i] = mt * std::cosh(y[i]);
    PX[i] = pt[i] * std::cos(phi[i]);
    PY[i] = pt[i] * std::sin(phi[i]);
    PZ[i] = mt * std::sinh(y[i]);
    active.push_back((int)i);
  }
  const int m = (int)M;
  auto dist = [&](int i, int j) {
    double r2 = dr2 && i < m && j < m ? dr2[(size_t)i * M + j] : delta_r2(Y[i], F[i], Y[j], F[j]);
    return std::min(P[i] * P[i], P[j] * P[j]) * r2;
  };
  auto find_nn = [&](int i) {
    int best = -1;
    double bd = std::numeric_limits<double>::infinity();
    for (int j : active) {
      if (j == i) continue;
      double d = dist(i, j);
      if (d < bd) bd = d, best = j;
    }
    nn[i] = best;
    nd[i] = bd;
  };
  // Initial nearest neighbours, each pair once: every i sees its candidates j in increasing order (j < i from
  // earlier rows, then its own row), so strict < keeps the smallest j on ties, exactly as find_nn does.
  for (size_t i = 0; i < M; ++i) nd[i] = std::numeric_limits<double>::infinity();
  for (int i = 0; i < m; ++i) {
    tick.tick((size_t)(m - i));
    for (int j = i + 1; j < m; ++j) {
      double d = dist(i, j);
      if (d < nd[i]) nd[i] = d, nn[i] = j;
      if (d < nd[j]) nd[j] = d, nn[j] = i;
    }
  }
  int next = (int)M;
  while (active.size() > 1) {
    tick.tick(active.size());
    int a = -1, b = -1;
    double bd = std::numeric_limits<double>::infinity();
    for (int i : active) {
      int lo = std::min(i, nn[i]), hi = std::max(i, nn[i]);
      if (nd[i] < bd || (nd[i] == bd && (lo < a || (lo == a && hi < b)))) bd = nd[i], a = lo, b = hi;
    }
    if (a < 0) return;  // only on non-finite input (validated away in JS)
    int c = next++;
    if (!wta) {
      E[c] = E[a] + E[b];
      PX[c] = PX[a] + PX[b];
      PY[c] = PY[a] + PY[b];
      PZ[c] = PZ[a] + PZ[b];
      P[c] = std::sqrt(PX[c] * PX[c] + PY[c] * PY[c]);
      // Exactly collinear parents keep their common direction (see cluster.ts).
      bool same = delta_r2(Y[a], F[a], Y[b], F[b]) == 0;
      Y[c] = same ? Y[a] : 0.5 * std::log((E[c] + PZ[c]) / (E[c] - PZ[c]));
      F[c] = same ? F[a] : std::atan2(PY[c], PX[c]);
    } else {
      int h = P[a] >= P[b] ? a : b;
      P[c] = P[a] + P[b];
      Y[c] = Y[h];
      F[c] = F[h];
    }
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
    size_t n = active.size();
    if ((int)n <= n_max) {
      for (int k : active) s.ay[n].push_back(Y[k]), s.aphi[n].push_back(F[k]), s.apt[n].push_back(P[k]);
    }
  }
}

}  // namespace jetlens::jss
