// Spectral EMD (p = 2): per-jet spectra, exact distances (merge of two sorted step lists), pairwise/cross
// matrices in cache-sized tiles, the cell embedding with its residual norms, and exact k-NN / eps-ball counts
// through a ball tree on the embedding (lower bounds prune, exact SEMD refines). Spec: docs/semd.md.
#include "common.h"
#include "kinematics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <vector>

namespace jetlens {
namespace {


// ---------- spectra (CSR: offsets N+1, omega descending, cumulative weight from the top) ----------
struct SpecView {
  Span<uint32_t> offsets;
  Span<double> omega, cum;
  size_t n() const { return offsets.size - 1; }
};

SpecView spec_from(const Napi::Value& v, const char* what) {
  if (!v.IsObject()) fail(std::string(what) + ": expected an object {offsets, omega, cum}");
  auto o = v.As<Napi::Object>();
  SpecView s;
  s.offsets = typed<uint32_t>(o.Get("offsets"), what);
  s.omega = typed<double>(o.Get("omega"), what);
  s.cum = typed<double>(o.Get("cum"), what);
  if (s.offsets.size < 1 || s.offsets[0] != 0) fail(std::string(what) + ".offsets: must start at 0");
  for (size_t i = 1; i < s.offsets.size; ++i)
    if (s.offsets[i] <= s.offsets[i - 1]) fail(std::string(what) + ": every spectrum needs >= 1 entry (jet " + std::to_string(i - 1) + ")");
  size_t total = s.offsets[s.offsets.size - 1];
  if (s.omega.size != total || s.cum.size != total) fail(std::string(what) + ": omega and cum need offsets[N] entries");
  return s;
}

// o[k] as spectra; errors name the op and key ("semdKnn.spec: ...").
SpecView spec_of(const Opts& o, const char* k) {
  return spec_from(o.need(k, "spectra object {offsets, omega, cum}"), o.where(k).c_str());
}

// Azimuthal distance on the circle, symmetric in its arguments.
inline double dphi_abs(double a, double b) { return std::fabs(delta_phi(a, b)); }

struct Pair {
  double omega, w;
};

// Builds one jet's spectrum into omega/cum (length M(M-1)/2 + 1). Same arithmetic, same order as the reference.
void build_spectrum(const JetView& jets, size_t j, bool raw, double beta, double* omega, double* cum,
                    std::vector<Pair>& buf, std::vector<double>& e, const Control& ctl) {
  Ticker tick(&ctl);  // O(M^2) pairs: a huge jet is cancelled inside the jet
  size_t b = jets.begin(j), m = jets.end(j) - b;
  e.resize(m);
  double s = 0;
  for (size_t i = 0; i < m; ++i) s += jets.pt[b + i];
  for (size_t i = 0; i < m; ++i) e[i] = raw ? jets.pt[b + i] : jets.pt[b + i] / s;
  double self = 0;
  for (size_t i = 0; i < m; ++i) self += e[i] * e[i];
  buf.clear();
  for (size_t i = 0; i < m; ++i) {
    tick.tick(m - i);
    for (size_t k = i + 1; k < m; ++k) {
      double dy = jets.y[b + i] - jets.y[b + k];
      double dp = dphi_abs(jets.phi[b + i], jets.phi[b + k]);
      double dr = std::sqrt(dy * dy + dp * dp);
      double om = beta == 1.0 ? dr : (beta == 2.0 ? dy * dy + dp * dp : std::pow(dr, beta));
      buf.push_back({om, 2.0 * e[i] * e[k]});
    }
  }
  buf.push_back({0.0, self});
  // Canonical order: omega descending, then weight descending (equal entries are interchangeable).
  std::sort(buf.begin(), buf.end(), [](const Pair& a, const Pair& c) {
    return a.omega != c.omega ? a.omega > c.omega : a.w > c.w;
  });
  double c = 0;
  for (size_t i = 0; i < buf.size(); ++i) {
    c += buf[i].w;
    omega[i] = buf[i].omega;
    cum[i] = c;
  }
}

// Neumaier-compensated sum: deterministic, order-fixed.
struct CSum {
  double s = 0, c = 0;
  inline void add(double x) {
    double t = s + x;
    bool big = std::fabs(s) >= std::fabs(x);
    double hi = big ? s : x, lo = big ? x : s;
    c += (hi - t) + lo;
    s = t;
  }
  double value() const { return s + c; }
};

// SEMD^2 by the merge from the top. Bitwise symmetric: the sequence of terms is the same for (A, B) and (B, A).
// limit: the search may stop once the partial sum (all terms are >= 0) exceeds it; it then returns a value
// > limit, never a distance. limit = infinity gives the full value.
inline double semd2(const double* oa, const double* ca, size_t na, const double* ob, const double* cb, size_t nb,
                    double limit = std::numeric_limits<double>::infinity()) {
  CSum sum;
  size_t i = 0, j = 0;
  double t = 0;
  size_t check = 0;
  while (i < na && j < nb) {
    if (++check == 64) {
      check = 0;
      if (sum.value() > limit) return sum.value();
    }
    double ta = ca[i], tb = cb[j];
    double tn = ta < tb ? ta : tb;
    double d = oa[i] - ob[j];
    sum.add(d * d * (tn - t));
    t = tn;
    // Branch-free advance: which list steps next is unpredictable, so no branch to mispredict.
    i += (size_t)(ta == tn);
    j += (size_t)(tb == tn);
  }
  for (; i < na; ++i) {
    sum.add(oa[i] * oa[i] * (ca[i] - t));
    t = ca[i];
  }
  for (; j < nb; ++j) {
    sum.add(ob[j] * ob[j] * (cb[j] - t));
    t = cb[j];
  }
  double v = sum.value();
  return v > 0 ? v : 0;
}

inline double semd_ij(const SpecView& A, size_t a, const SpecView& B, size_t b) {
  size_t a0 = A.offsets[a], a1 = A.offsets[a + 1], b0 = B.offsets[b], b1 = B.offsets[b + 1];
  return std::sqrt(semd2(&A.omega[a0], &A.cum[a0], a1 - a0, &B.omega[b0], &B.cum[b0], b1 - b0));
}

// SEMD if it can be <= dk, else +infinity (the merge is abandoned once its partial sum is certainly beyond
// dk^2: terms are >= 0 and the compensated sum is accurate to ~1e-15, far inside the 1e-10 slack).
inline double semd_ij_within(const SpecView& A, size_t a, const SpecView& B, size_t b, double dk) {
  size_t a0 = A.offsets[a], a1 = A.offsets[a + 1], b0 = B.offsets[b], b1 = B.offsets[b + 1];
  double limit = std::isfinite(dk) ? dk * dk * (1 + 1e-10) : std::numeric_limits<double>::infinity();
  double s = semd2(&A.omega[a0], &A.cum[a0], a1 - a0, &B.omega[b0], &B.cum[b0], b1 - b0, limit);
  return s > limit ? std::numeric_limits<double>::infinity() : std::sqrt(s);
}

// ---------- embedding: K equal cells on [0, T]; u = (v_0..v_{K-1}, r) ----------
void embed_one(const SpecView& S, size_t j, size_t K, double T, double* u) {
  size_t b = S.offsets[j], n = S.offsets[j + 1] - b;
  const double* om = &S.omega[b];
  const double* cm = &S.cum[b];
  double h = T / (double)K;
  double r2 = 0;
  size_t i = 0;
  double t = 0;  // start of the current piece
  for (size_t k = 0; k < K; ++k) {
    double hi = k + 1 == K ? T : (double)(k + 1) * h;
    double lo = t;
    // Pieces of the step function inside [lo, hi): (value, length).
    CSum I;
    size_t i0 = i;
    double t0 = t;
    while (t < hi) {
      double val = i < n ? om[i] : 0.0;
      double end = i < n ? std::min(cm[i], hi) : hi;
      I.add(val * (end - t));
      t = end;
      if (i < n && cm[i] <= hi) ++i;
      else break;
    }
    t = hi;
    double width = hi - lo;
    double mean = width > 0 ? I.value() / width : 0.0;
    u[k] = width > 0 ? I.value() / std::sqrt(width) : 0.0;  // orthonormal basis 1/sqrt(width) on the cell
    // Residual inside the cell, without cancellation: sum (value - mean)^2 * length.
    CSum Q;
    i = i0;
    double tt = t0;
    while (tt < hi) {
      double val = i < n ? om[i] : 0.0;
      double end = i < n ? std::min(cm[i], hi) : hi;
      double d = val - mean;
      Q.add(d * d * (end - tt));
      tt = end;
      if (i < n && cm[i] <= hi) ++i;
      else break;
    }
    r2 += Q.value();
  }
  u[K] = std::sqrt(r2 > 0 ? r2 : 0);
}

// ---------- principal axes of the embedding ----------
// Rotating u onto its principal axes (by decreasing variance) changes no distance, but puts most of the spread
// in the first coordinates: partial sums of squares then exceed the search radius early (early abandonment),
// and the tree's splits follow the data. Rounding of the rotation (~D eps |u|) is far inside the margins.
struct Rotation {
  size_t D = 0;
  std::vector<double> mean, Q;  // Q row-major: row r is the r-th principal axis
  void fit(const double* u, size_t n, size_t D_) {
    D = D_;
    mean.assign(D, 0.0);
    Q.assign(D * D, 0.0);
    size_t stride = std::max<size_t>(1, n / 20000), m = 0;
    for (size_t i = 0; i < n; i += stride, ++m)
      for (size_t d = 0; d < D; ++d) mean[d] += u[i * D + d];
    for (size_t d = 0; d < D; ++d) mean[d] /= (double)std::max<size_t>(1, m);
    std::vector<double> A(D * D, 0.0), V(D * D, 0.0), x(D);
    for (size_t i = 0; i < n; i += stride) {
      for (size_t d = 0; d < D; ++d) x[d] = u[i * D + d] - mean[d];
      for (size_t a = 0; a < D; ++a)
        for (size_t b = a; b < D; ++b) A[a * D + b] += x[a] * x[b];
    }
    for (size_t a = 0; a < D; ++a)
      for (size_t b = 0; b < a; ++b) A[a * D + b] = A[b * D + a];
    for (size_t d = 0; d < D; ++d) V[d * D + d] = 1.0;
    jacobi(A, V);
    std::vector<size_t> order(D);
    for (size_t d = 0; d < D; ++d) order[d] = d;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return A[a * D + a] > A[b * D + b]; });
    for (size_t r = 0; r < D; ++r)
      for (size_t d = 0; d < D; ++d) Q[r * D + d] = V[d * D + order[r]];  // eigenvector = column of V
  }
  // Cyclic Jacobi: A -> diagonal, V accumulates the rotations (columns = eigenvectors).
  void jacobi(std::vector<double>& A, std::vector<double>& V) const {
    for (int sweep = 0; sweep < 60; ++sweep) {
      double off = 0, diag = 0;
      for (size_t a = 0; a < D; ++a)
        for (size_t b = 0; b < D; ++b) (a == b ? diag : off) += A[a * D + b] * A[a * D + b];
      if (off <= 1e-30 * diag || off == 0) return;
      for (size_t p = 0; p < D; ++p)
        for (size_t q = p + 1; q < D; ++q) {
          double apq = A[p * D + q];
          if (apq == 0) continue;
          double theta = (A[q * D + q] - A[p * D + p]) / (2 * apq);
          double t = (theta >= 0 ? 1 : -1) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
          double c = 1 / std::sqrt(t * t + 1), sn = t * c;
          for (size_t k = 0; k < D; ++k) {  // columns p, q
            double akp = A[k * D + p], akq = A[k * D + q];
            A[k * D + p] = c * akp - sn * akq;
            A[k * D + q] = sn * akp + c * akq;
          }
          for (size_t k = 0; k < D; ++k) {  // rows p, q
            double apk = A[p * D + k], aqk = A[q * D + k];
            A[p * D + k] = c * apk - sn * aqk;
            A[q * D + k] = sn * apk + c * aqk;
          }
          for (size_t k = 0; k < D; ++k) {
            double vkp = V[k * D + p], vkq = V[k * D + q];
            V[k * D + p] = c * vkp - sn * vkq;
            V[k * D + q] = sn * vkp + c * vkq;
          }
        }
    }
  }
  void apply(const double* in, double* out) const {
    for (size_t r = 0; r < D; ++r) {
      const double* q = &Q[r * D];
      double s = 0;
      for (size_t d = 0; d < D; ++d) s += q[d] * (in[d] - mean[d]);
      out[r] = s;
    }
  }
  std::vector<double> apply_all(const double* u, size_t n) const {
    std::vector<double> out(n * D);
    for (size_t i = 0; i < n; ++i) apply(u + i * D, &out[i * D]);
    return out;
  }
};

// ---------- ball tree on the rotated embedding (D = K + 1) ----------
struct Tree {
  size_t D = 0;
  std::vector<double> x;       // rotated points, input order
  // The same points in tree (perm) order, split into the leading H principal coordinates and the rest: leaves
  // are contiguous, and most points are abandoned after reading only their compact head (memory traffic, not
  // flops, is what a leaf visit costs).
  static constexpr size_t H = 16;
  size_t h = 0;
  std::vector<double> head, tail;
  const double* u = nullptr;   // = x.data()
  std::vector<uint32_t> perm;
  struct Node {
    uint32_t begin, end;
    int32_t left = -1, right = -1;
    double radius = 0;
  };
  std::vector<Node> nodes;
  std::vector<double> centers;
  std::vector<size_t> blocks;  // coordinate blocks [blocks[k], blocks[k+1]) of the per-block radii
  std::vector<double> radii;   // nodes x blocks
  double max_norm = 0;

  static double norm(const double* a, size_t D) {
    double s = 0;
    for (size_t i = 0; i < D; ++i) s += a[i] * a[i];
    return std::sqrt(s);
  }
  static double dist2(const double* a, const double* b, size_t D) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= D; i += 4) {
      double d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1], d2 = a[i + 2] - b[i + 2], d3 = a[i + 3] - b[i + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < D; ++i) {
      double d = a[i] - b[i];
      s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
  }

  // points: rotated embedding (moved in); norm_max: largest |u| of the unrotated embedding (for the margins).
  void build(std::vector<double>&& points, size_t n, size_t D_, size_t leaf, double norm_max) {
    x = std::move(points);
    u = x.data();
    D = D_;
    blocks.clear();
    for (size_t bnd : {0, 2, 4, 8, 16, 32})
      if (bnd < D) blocks.push_back(bnd);
    blocks.push_back(D);
    max_norm = norm_max;
    perm.resize(n);
    for (size_t i = 0; i < n; ++i) perm[i] = (uint32_t)i;
    nodes.reserve(2 * n / std::max<size_t>(1, leaf) + 2);
    make(0, (uint32_t)n, leaf);
    h = std::min(H, D);
    head.resize(n * h);
    tail.resize(n * (D - h));
    for (size_t p = 0; p < n; ++p) {
      const double* src = u + (size_t)perm[p] * D;
      std::copy(src, src + h, &head[p * h]);
      std::copy(src + h, src + D, &tail[p * (D - h)]);
    }
  }

  // |q - point at tree position p|^2, abandoned (> lim2) once a partial sum passes lim2.
  double point_dist2(const double* q, size_t p, double lim2) const {
    double s = dist2_bounded(q, &head[p * h], h, lim2);
    if (s > lim2 || h == D) return s;
    return s + dist2_bounded(q + h, &tail[p * (D - h)], D - h, lim2 - s);
  }

  // |a - b|^2, abandoned (returning a value > lim2) as soon as a partial sum exceeds lim2.
  static double dist2_bounded(const double* a, const double* b, size_t D, double lim2) {
    double s = 0;
    size_t i = 0;
    for (; i + 8 <= D; i += 8) {
      double s0 = 0, s1 = 0;
      for (size_t k = 0; k < 8; k += 2) {
        double d0 = a[i + k] - b[i + k], d1 = a[i + k + 1] - b[i + k + 1];
        s0 += d0 * d0;
        s1 += d1 * d1;
      }
      s += s0 + s1;
      if (s > lim2) return s;
    }
    for (; i < D; ++i) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  int32_t make(uint32_t b, uint32_t e, size_t leaf) {
    int32_t id = (int32_t)nodes.size();
    nodes.push_back({b, e});
    centers.resize(centers.size() + D, 0.0);
    double* c = &centers[(size_t)id * D];
    for (uint32_t p = b; p < e; ++p)
      for (size_t d = 0; d < D; ++d) c[d] += u[(size_t)perm[p] * D + d];
    for (size_t d = 0; d < D; ++d) c[d] /= (double)(e - b);
    double r = 0;
    uint32_t far = b;
    for (uint32_t p = b; p < e; ++p) {
      double d2 = dist2(c, u + (size_t)perm[p] * D, D);
      if (d2 > r) r = d2, far = p;
    }
    // Inflated so rounding in the centre or the radius can never cut a point off.
    nodes[id].radius = std::sqrt(r) * (1 + 1e-10) + 1e-12 * max_norm;
    // One radius per block of coordinates: the product of balls bounds far tighter than one ball in high D.
    size_t nb = blocks.size() - 1;
    radii.resize(radii.size() + nb, 0.0);
    double* rb2 = &radii[(size_t)id * nb];
    for (uint32_t p = b; p < e; ++p) {
      const double* x = u + (size_t)perm[p] * D;
      for (size_t k = 0; k < nb; ++k) rb2[k] = std::max(rb2[k], dist2(c + blocks[k], x + blocks[k], blocks[k + 1] - blocks[k]));
    }
    for (size_t k = 0; k < nb; ++k) rb2[k] = std::sqrt(rb2[k]) * (1 + 1e-10) + 1e-12 * max_norm;
    if (e - b <= leaf || r == 0) return id;
    // Split along the direction from the farthest point a to the point b farthest from a, at the median.
    std::vector<double> a(u + (size_t)perm[far] * D, u + (size_t)perm[far] * D + D);
    double rb = -1;
    uint32_t farb = b;
    for (uint32_t p = b; p < e; ++p) {
      double d2 = dist2(a.data(), u + (size_t)perm[p] * D, D);
      if (d2 > rb) rb = d2, farb = p;
    }
    std::vector<double> dir(D);
    for (size_t d = 0; d < D; ++d) dir[d] = u[(size_t)perm[farb] * D + d] - a[d];
    std::vector<std::pair<double, uint32_t>> proj(e - b);
    for (uint32_t p = b; p < e; ++p) {
      const double* x = u + (size_t)perm[p] * D;
      double s = 0;
      for (size_t d = 0; d < D; ++d) s += x[d] * dir[d];
      proj[p - b] = {s, perm[p]};
    }
    size_t mid = (e - b) / 2;
    std::nth_element(proj.begin(), proj.begin() + mid, proj.end());
    for (uint32_t p = b; p < e; ++p) perm[p] = proj[p - b].second;
    int32_t l = make(b, b + (uint32_t)mid, leaf);
    int32_t rr = make(b + (uint32_t)mid, e, leaf);
    nodes[id].left = l;
    nodes[id].right = rr;
    return id;
  }

  // Lower bound on |u_q - u_x| for every x in the node (never above the true value):
  // |q - x|^2 = sum over blocks |q_b - x_b|^2 >= sum over blocks max(0, |q_b - c_b| - r_b)^2.
  // Returns early (a value > lim) once the bound passes lim.
  double node_lb(const double* q, int32_t id, double lim = std::numeric_limits<double>::infinity()) const {
    const double* c = &centers[(size_t)id * D];
    size_t nb = blocks.size() - 1;
    const double* r = &radii[(size_t)id * nb];
    double lim2 = std::isfinite(lim) ? lim * lim * (1 + 1e-12) : lim;
    double lb2 = 0;
    for (size_t k = 0; k < nb; ++k) {
      double l = std::sqrt(dist2(q + blocks[k], c + blocks[k], blocks[k + 1] - blocks[k])) * (1 - 1e-10) - r[k];
      if (l > 0) lb2 += l * l;
      if (lb2 > lim2) break;
    }
    return std::sqrt(lb2) * (1 - 1e-12);
  }
};

// Rounding margins: a computed lower bound is lowered, an upper bound raised, so no true neighbour is lost.
struct Margin {
  double abs_;
  double lo(double lb) const { return lb * (1 - 1e-9) - abs_; }
  double hi(double ub) const { return ub * (1 + 1e-9) + abs_; }
};

struct Best {  // the k best (distance, index) pairs, sorted; ties by lower index
  size_t k;
  std::vector<std::pair<double, uint32_t>> v;
  double kth() const { return v.size() < k ? std::numeric_limits<double>::infinity() : v.back().first; }
  void offer(double d, uint32_t j) {
    std::pair<double, uint32_t> x{d, j};
    if (v.size() == k) {
      if (!(x < v.back())) return;
      v.pop_back();
    }
    v.insert(std::upper_bound(v.begin(), v.end(), x), x);
  }
};

// Exact k-NN of query q (self excluded) through incremental best-first search in increasing lower bound.
struct SearchStats {
  uint64_t refined = 0, nodes = 0, bounds = 0;  // exact SEMDs, nodes opened, point lower bounds computed
};

size_t knn_query(const SpecView& S, const Tree& tree, const Margin& mg, size_t q, Best& best, SearchStats& st,
                 const Control& ctl) {
  Ticker tick(&ctl, 256);  // per heap pop: an exact SEMD or a node; cancels a long query inside it
  using Item = std::pair<double, int64_t>;  // (lower bound, id): id >= 0 a point, id < 0 a node -(id + 1)
  // A binary min-heap on a per-thread vector: no allocation per query.
  thread_local std::vector<Item> heap;
  heap.clear();
  auto push = [](Item it) {
    heap.push_back(it);
    std::push_heap(heap.begin(), heap.end(), std::greater<Item>());
  };
  const double* uq = tree.u + q * tree.D;
  push({tree.node_lb(uq, 0), -1});
  size_t refined = 0;
  while (!heap.empty()) {
    tick.tick();
    std::pop_heap(heap.begin(), heap.end(), std::greater<Item>());
    auto [lb, id] = heap.back();
    heap.pop_back();
    double dk = best.kth();
    if (mg.lo(lb) > dk) break;  // every remaining candidate is farther than the k-th exact distance
    if (id >= 0) {
      best.offer(semd_ij_within(S, q, S, (size_t)id, dk), (uint32_t)id);
      ++refined;
      continue;
    }
    const auto& nd = tree.nodes[(size_t)(-id - 1)];
    ++st.nodes;
    if (nd.left < 0) {
      st.bounds += nd.end - nd.begin;
      // Points with mg.lo(l) > dk can never enter: abandon their distance once it passes that radius.
      double lim = (dk + mg.abs_) / (1 - 1e-9);
      double lim2 = std::isfinite(lim) ? lim * lim * (1 + 1e-12) : std::numeric_limits<double>::infinity();
      for (uint32_t p = nd.begin; p < nd.end; ++p) {
        uint32_t x = tree.perm[p];
        if (x == q) continue;
        double l2 = tree.point_dist2(uq, p, lim2);
        if (l2 > lim2) continue;
        double l = std::sqrt(l2);
        if (mg.lo(l) <= dk) push({l, (int64_t)x});
      }
    } else {
      double lim = (dk + mg.abs_) / (1 - 1e-9);
      for (int32_t c : {nd.left, nd.right}) {
        // Abandon the centre distance once the node's bound is certainly beyond the k-th distance.
        double l = tree.node_lb(uq, c, lim * (1 + 1e-9));
        if (mg.lo(l) <= dk) push({l, -(int64_t)c - 1});
      }
    }
  }
  return refined;
}

// Brute force over all candidates (the baseline the tree must equal).
size_t knn_brute(const SpecView& S, size_t q, Best& best, const Control& ctl) {
  Ticker tick(&ctl, 64);
  for (size_t j = 0; j < S.n(); ++j) {
    tick.tick();
    if (j != q) best.offer(semd_ij(S, q, S, j), (uint32_t)j);
  }
  return S.n() - 1;
}

// ---------- entry points ----------

// semdSpectra({offsets, pt, y, phi, raw: boolean, beta, spec: {offsets, omega, cum} (allocated by JS), threads?,
//              control?}) -> Promise<undefined>
Napi::Value SemdSpectra(const Napi::CallbackInfo& info) {
  Opts o(info[0], "semdSpectra");
  JetView jets = jets_from(o);
  bool raw = o.boolean("raw");
  double beta = o.number("beta");
  if (!(beta > 0) || !std::isfinite(beta)) fail("semdSpectra.beta: expected a finite number > 0");
  SpecView S = spec_of(o, "spec");
  if (S.n() != jets.n()) fail("semdSpectra.spec: expected N = " + std::to_string(jets.n()) + " spectra");
  for (size_t j = 0; j < jets.n(); ++j) {
    size_t m = jets.end(j) - jets.begin(j);
    if (m == 0) fail("semdSpectra: jet " + std::to_string(j) + ": no particle with pT > 0");
    if (S.offsets[j + 1] - S.offsets[j] != m * (m - 1) / 2 + 1) fail("semdSpectra.spec.offsets: wrong size for jet " + std::to_string(j));
  }
  int threads = resolve_threads((int)o.integer("threads", 0, 256, 0));
  Control ctl = control_from(o.raw("control"));
  o.done();
  return run_async(info.Env(), o.keep(), [=]() -> std::string {
    parallel_for(jets.n(), threads, [&](size_t j) {
      thread_local std::vector<Pair> buf;
      thread_local std::vector<double> e;
      if (ctl.cancelled()) return;
      build_spectrum(jets, j, raw, beta, &S.omega[S.offsets[j]], &S.cum[S.offsets[j]], buf, e, ctl);
      ctl.add_done(1);
    }, 64);
    return "";
  }, [](Napi::Env env) { return env.Undefined(); });
}
JETLENS_EXPORT_GUARDED("semdSpectra", SemdSpectra);

// semdMatrix({specA, specB?: spec | null, out: Float64Array(NA*NB), threads?, control?}) -> Promise. No specB:
// pairwise (upper triangle computed once and mirrored). Tiles of rows x columns keep both spectra sets in cache.
Napi::Value SemdMatrix(const Napi::CallbackInfo& info) {
  Opts o(info[0], "semdMatrix");
  SpecView A = spec_of(o, "specA");
  bool self = !o.has("specB");
  SpecView B = self ? A : spec_of(o, "specB");
  auto out = o.typed<double>("out");
  size_t na = A.n(), nb = B.n();
  if (out.size != na * nb) fail("semdMatrix.out: expected length " + std::to_string(na * nb));
  int threads = resolve_threads((int)o.integer("threads", 0, 256, 0));
  Control ctl = control_from(o.raw("control"));
  o.done();
  constexpr size_t TR = 8, TC = 64;
  return run_async(info.Env(), o.keep(), [=]() -> std::string {
    size_t tiles = (na + TR - 1) / TR;
    parallel_for(tiles, threads, [&](size_t t) {
      if (ctl.cancelled()) return;
      size_t i0 = t * TR, i1 = std::min(na, i0 + TR);
      for (size_t j0 = self ? i0 : 0; j0 < nb; j0 += TC) {
        if (ctl.cancelled()) return;  // per block of at most TR x TC distances: big sets stop inside a tile
        size_t j1 = std::min(nb, j0 + TC);
        for (size_t i = i0; i < i1; ++i)
          for (size_t j = std::max(j0, self ? i : 0); j < j1; ++j) {
            double d = (self && i == j) ? 0.0 : semd_ij(A, i, B, j);
            out[i * nb + j] = d;
            if (self) out[j * nb + i] = d;
          }
      }
      ctl.add_done((int32_t)(i1 - i0));
    }, 1);
    return "";
  }, [](Napi::Env env) { return env.Undefined(); });
}
JETLENS_EXPORT_GUARDED("semdMatrix", SemdMatrix);

// semdEmbed({spec, K, T, out: Float64Array(N*(K+1)), threads?}) -> undefined (synchronous; O(total entries)).
Napi::Value SemdEmbed(const Napi::CallbackInfo& info) {
  Opts o(info[0], "semdEmbed");
  SpecView S = spec_of(o, "spec");
  size_t K = (size_t)o.integer("K", 1, 100000);
  double T = o.number("T");
  if (!(T > 0) || !std::isfinite(T)) fail("semdEmbed.T: expected a finite number > 0");
  auto out = o.typed<double>("out");
  if (out.size != S.n() * (K + 1)) fail("semdEmbed.out: expected length N * (K + 1)");
  int threads = resolve_threads((int)o.integer("threads", 0, 256, 0));
  o.done();
  parallel_for(S.n(), threads, [&](size_t j) { embed_one(S, j, K, T, &out[j * (K + 1)]); }, 64);
  return info.Env().Undefined();
}
JETLENS_EXPORT_GUARDED("semdEmbed", SemdEmbed);

double max_norm_of(const double* u, size_t n, size_t D) {
  double m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, Tree::norm(u + i * D, D));
  return m;
}

Tree build_tree(const double* u, size_t n, size_t D, const Rotation& rot, double norm_max) {
  Tree t;
  t.build(rot.apply_all(u, n), n, D, 24, norm_max);
  return t;
}

// semdKnn({spec, u, D, k, brute?: boolean, outIndex: Int32Array(Q*k), outDist: Float64Array(Q*k), threads?, control?,
//          q0?, q1?}) -> Promise<{refined, nodes, bounds}>. Neighbours of the queries q0 <= q < q1 (default all N; a
//   --shard owns such a slice) among all N jets; row q - q0 of the outputs. Exact: same result as brute force
//   (ties by lower index, self excluded).
Napi::Value SemdKnn(const Napi::CallbackInfo& info) {
  Opts o(info[0], "semdKnn");
  SpecView S = spec_of(o, "spec");
  auto u = o.typed<double>("u");
  size_t D = (size_t)o.integer("D", 1, 100001);
  size_t n = S.n();
  if (u.size != n * D) fail("semdKnn.u: expected length N * D");
  size_t k = (size_t)o.integer("k", 1, 1 << 30);
  if (n < 1 || k > n - 1) fail("semdKnn.k: must be <= N - 1 = " + std::to_string(n ? n - 1 : 0));
  bool brute = o.boolean("brute", false);
  auto oi = o.typed<int32_t>("outIndex");
  auto od = o.typed<double>("outDist");
  size_t q0 = (size_t)o.integer("q0", 0, (int64_t)n, 0);
  size_t q1 = (size_t)o.integer("q1", (int64_t)q0, (int64_t)n, (int64_t)n);
  if (oi.size != (q1 - q0) * k || od.size != (q1 - q0) * k) fail("semdKnn.outIndex/outDist: expected length (q1 - q0) * k");
  int threads = resolve_threads((int)o.integer("threads", 0, 256, 0));
  Control ctl = control_from(o.raw("control"));
  o.done();
  auto refined = std::make_shared<std::atomic<uint64_t>>(0);
  auto nodes = std::make_shared<std::atomic<uint64_t>>(0);
  auto bounds = std::make_shared<std::atomic<uint64_t>>(0);
  return run_async(info.Env(), o.keep(), [=]() -> std::string {
    Tree tree;
    if (!brute) {
      Rotation rot;
      rot.fit(u.data, n, D);
      tree = build_tree(u.data, n, D, rot, max_norm_of(u.data, n, D));
    }
    Margin mg{2e-11 * tree.max_norm + 1e-300};
    // Queries in tree order: consecutive queries are neighbours, so they reuse the same nodes, leaves and
    // spectra in cache. Results do not depend on the order.
    std::vector<uint32_t> queries;
    queries.reserve(q1 - q0);
    for (size_t pos = 0; pos < n; ++pos) {
      size_t q = brute ? pos : tree.perm[pos];
      if (q >= q0 && q < q1) queries.push_back((uint32_t)q);
    }
    parallel_for(queries.size(), threads, [&](size_t i) {
      if (ctl.cancelled()) return;
      size_t q = queries[i];
      Best best{k, {}};
      best.v.reserve(k + 1);
      SearchStats st;
      size_t r = brute ? knn_brute(S, q, best, ctl) : knn_query(S, tree, mg, q, best, st, ctl);
      refined->fetch_add(r, std::memory_order_relaxed);
      nodes->fetch_add(st.nodes, std::memory_order_relaxed);
      bounds->fetch_add(st.bounds, std::memory_order_relaxed);
      for (size_t c = 0; c < k; ++c) {
        oi[(q - q0) * k + c] = (int32_t)best.v[c].second;
        od[(q - q0) * k + c] = best.v[c].first;
      }
      ctl.add_done(1);
    }, 16);
    return "";
  }, [refined, nodes, bounds](Napi::Env env) {
    auto o = Napi::Object::New(env);
    o.Set("refined", Napi::Number::New(env, (double)refined->load()));
    o.Set("nodes", Napi::Number::New(env, (double)nodes->load()));
    o.Set("bounds", Napi::Number::New(env, (double)bounds->load()));
    return o;
  });
}
JETLENS_EXPORT_GUARDED("semdKnn", SemdKnn);

// semdBallCounts({specRef, uRef, D, labels: Uint8Array(NRef), specQuery, uQuery, eps: Float64Array (ascending),
//   self: boolean, outS: Int32Array(NQ*E), outB: Int32Array(NQ*E), threads?, control?}) -> Promise<{refined}>.
// Counts reference events of each class with SEMD(x, x_j) <= eps (closed balls). self = 1: query i is
// reference i and is never counted in its own ball. Pairs whose bounds put them on the same side of every eps
// are counted without computing the exact distance.
Napi::Value SemdBallCounts(const Napi::CallbackInfo& info) {
  Opts o(info[0], "semdBallCounts");
  SpecView R = spec_of(o, "specRef");
  auto ur = o.typed<double>("uRef");
  size_t D = (size_t)o.integer("D", 1, 100001);
  auto lab = o.typed<uint8_t>("labels");
  SpecView Q = spec_of(o, "specQuery");
  auto uq = o.typed<double>("uQuery");
  auto eps = o.typed<double>("eps");
  bool self = o.boolean("self");
  auto os = o.typed<int32_t>("outS");
  auto ob = o.typed<int32_t>("outB");
  size_t nr = R.n(), nq = Q.n(), E = eps.size;
  if (ur.size != nr * D || uq.size != nq * D) fail("semdBallCounts.uRef/uQuery: expected length N * D");
  if (lab.size != nr) fail("semdBallCounts.labels: expected length NRef");
  if (E < 1) fail("semdBallCounts.eps: expected at least one value");
  for (size_t e = 0; e < E; ++e)
    if (!(eps[e] >= 0) || (e && eps[e] < eps[e - 1])) fail("semdBallCounts.eps: expected ascending values >= 0");
  if (self && nq != nr) fail("semdBallCounts.self: query and reference sets must be the same");
  if (os.size != nq * E || ob.size != nq * E) fail("semdBallCounts.outS/outB: expected length NQuery * E");
  int threads = resolve_threads((int)o.integer("threads", 0, 256, 0));
  Control ctl = control_from(o.raw("control"));
  o.done();
  auto refined = std::make_shared<std::atomic<uint64_t>>(0);
  return run_async(info.Env(), o.keep(), [=]() -> std::string {
    Rotation rot;
    rot.fit(ur.data, nr, D);
    double qmax = max_norm_of(uq.data, nq, D);
    Tree tree = build_tree(ur.data, nr, D, rot, max_norm_of(ur.data, nr, D));
    std::vector<double> qx = self ? std::vector<double>() : rot.apply_all(uq.data, nq);
    const double* qrot = self ? tree.u : qx.data();
    Margin mg{1e-11 * (tree.max_norm + qmax) + 1e-300};
    double emax = eps[E - 1];
    double lim = (emax + mg.abs_) / (1 - 1e-9), lim2 = lim * lim * (1 + 1e-12);
    parallel_for(nq, threads, [&](size_t pos) {
      if (ctl.cancelled()) return;
      size_t q = self ? tree.perm[pos] : pos;  // leave-one-out: queries in tree order (cache reuse)
      std::vector<int32_t> bs(E + 1, 0), bb(E + 1, 0);
      const double* x = qrot + q * D;
      double rq = uq.data[q * D + D - 1];  // residual norms come from the unrotated embedding
      auto bucket = [&](double d) { return (size_t)(std::lower_bound(eps.data, eps.data + E, d) - eps.data); };
      std::vector<int32_t> stack{0};
      size_t nref = 0;
      Ticker tick(&ctl);
      while (!stack.empty()) {
        int32_t id = stack.back();
        stack.pop_back();
        if (mg.lo(tree.node_lb(x, id)) > emax) continue;
        const auto& nd = tree.nodes[(size_t)id];
        tick.tick(nd.end - nd.begin);  // one query against a big reference set stops inside its traversal
        if (nd.left >= 0) {
          stack.push_back(nd.right);
          stack.push_back(nd.left);
          continue;
        }
        for (uint32_t p = nd.begin; p < nd.end; ++p) {
          uint32_t j = tree.perm[p];
          if (self && j == q) continue;
          double l2 = tree.point_dist2(x, p, lim2);
          if (l2 > lim2) continue;
          double lo = mg.lo(std::sqrt(l2));
          if (lo > emax) continue;
          double hi = mg.hi(std::sqrt(l2 + 4 * rq * ur.data[(size_t)j * D + D - 1]));
          size_t b = bucket(lo), bh = bucket(hi);
          if (bh != b) {
            // d lies in buckets b..bh; once the merge passes eps[bh - 1] it can only be bh (early stop).
            double e = eps[bh - 1], limit = e * e * (1 + 1e-10);
            size_t q0 = Q.offsets[q], q1 = Q.offsets[q + 1], r0 = R.offsets[j], r1 = R.offsets[j + 1];
            double s2 = semd2(&Q.omega[q0], &Q.cum[q0], q1 - q0, &R.omega[r0], &R.cum[r0], r1 - r0, limit);
            b = s2 > limit ? bh : bucket(std::sqrt(s2));
            ++nref;
          }
          (lab[j] ? bs : bb)[b]++;
        }
      }
      int32_t cs = 0, cb = 0;
      for (size_t e = 0; e < E; ++e) {
        cs += bs[e];
        cb += bb[e];
        os[q * E + e] = cs;
        ob[q * E + e] = cb;
      }
      refined->fetch_add(nref, std::memory_order_relaxed);
      ctl.add_done(1);
    }, 8);
    return "";
  }, [refined](Napi::Env env) {
    auto o = Napi::Object::New(env);
    o.Set("refined", Napi::Number::New(env, (double)refined->load()));
    return o;
  });
}
JETLENS_EXPORT_GUARDED("semdBallCounts", SemdBallCounts);

}  // namespace
}  // namespace jetlens
