// AUC, exact Average Decision Ordering (ADO) and ADO restricted to the differently-ordered pairs D(H, G).
// Spec: shared/docs/ado.md section 1. Conventions: H(0) = 1/2 (ties count one half), pair weight = w_S * w_B.
//
// All three reduce to signed bichromatic counts over signal/background pairs:
//   AUC:            sum w w' [2 H(f_S - f_B)]                      (1-D: sort + sweep)
//   ADO:            sum w w' s t,  s = sign(df), t = sign(dg)      (2-D: sort by f, Fenwick over g ranks)
//   ADO on D(H,G):  sum_{D} w w' s t and sum_{D} w w'               (3-D: CDQ over g, sweep over h, Fenwick over f)
// With unit weights the counts are int64 (exact up to 2^63); with weights float64, and the signed difference
// (concordant - discordant) is accumulated directly per event, never as a difference of two large totals.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <numeric>
#include <type_traits>

#include "common.h"

namespace jetlens {
namespace {

// ---------- inputs ----------
struct Events {
  size_t n = 0;
  Span<uint8_t> labels;  // 1 = signal, 0 = background
  Span<double> w;        // empty: unit weights
  bool weighted() const { return w.data != nullptr; }
};

Events events_from(const Napi::Value& labels, const Napi::Value& weights, size_t n) {
  Events e;
  e.n = n;
  if (n >= (size_t(1) << 31)) fail("at most 2^31 - 1 events per call");
  e.labels = typed<uint8_t>(labels, "labels");
  if (e.labels.size != n) fail("labels: expected length " + std::to_string(n) + ", got " + std::to_string(e.labels.size));
  size_t ns = 0;
  for (size_t i = 0; i < n; ++i) {
    if (e.labels[i] > 1) fail("labels: expected 0/1, got " + std::to_string(e.labels[i]) + " at index " + std::to_string(i));
    ns += e.labels[i];
  }
  if (ns == 0 || ns == n) fail("labels: need at least one signal (1) and one background (0) event");
  if (!weights.IsUndefined() && !weights.IsNull()) {
    e.w = typed<double>(weights, "weights");
    if (e.w.size != n) fail("weights: expected length " + std::to_string(n) + ", got " + std::to_string(e.w.size));
    for (size_t i = 0; i < n; ++i)
      if (!(std::isfinite(e.w[i]) && e.w[i] >= 0)) fail("weights: expected finite values >= 0 at index " + std::to_string(i));
  }
  return e;
}

Span<double> scores_from(const Napi::Value& v, const char* what, size_t n_expected = 0) {
  auto s = typed<double>(v, what);
  if (n_expected && s.size != n_expected)
    fail(std::string(what) + ": expected length " + std::to_string(n_expected) + ", got " + std::to_string(s.size));
  for (size_t i = 0; i < s.size; ++i)
    if (std::isnan(s[i])) fail(std::string(what) + ": NaN at index " + std::to_string(i));
  return s;
}

// ---------- helpers ----------
// Neumaier-compensated sum: keeps ~1e-16 relative error over millions of float64 terms.
struct KSum {
  double s = 0, c = 0;
  void add(double x) {
    double t = s + x;
    c += std::fabs(s) >= std::fabs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  }
  double value() const { return s + c; }
};

// Double-double accumulator (TwoSum): a running float64 sum of a million weights drifts by ~1e-11 relative;
// carrying the rounding error in `lo` keeps Fenwick prefix sums (and C - D) at ~1e-16 relative.
struct Comp {
  double hi = 0, lo = 0;
  Comp() = default;
  Comp(double x) : hi(x) {}
  Comp& operator+=(const Comp& o) {
    double s = hi + o.hi, bp = s - hi;
    lo += ((hi - (s - bp)) + (o.hi - bp)) + o.lo;
    hi = s;
    return *this;
  }
  Comp& operator-=(const Comp& o) { return *this += Comp{-o.hi, -o.lo}; }
  Comp(double h, double l) : hi(h), lo(l) {}
  explicit operator double() const { return hi + lo; }
  bool operator!=(const Comp& o) const { return hi != o.hi || lo != o.lo; }
};

// Sortable integer key of a double: order-preserving, and -0 == +0 share a key (NaN was rejected before).
inline uint64_t sort_key(double x) {
  if (x == 0) x = 0.0;
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return (u >> 63) ? ~u : (u | (uint64_t(1) << 63));
}

// Stable LSD radix sort of 0..n-1 by key (11-bit digits; digits on which every key agrees are skipped).
// About 4x faster than std::sort of (double, index) pairs at N = 2e6. Returns the order; `keys` ends sorted.
std::vector<uint32_t> radix_order(std::vector<uint64_t>& keys) {
  constexpr int B = 11, D = 6;
  constexpr size_t R = size_t(1) << B;
  size_t n = keys.size();
  std::vector<uint32_t> order(n), o2(n);
  std::vector<uint64_t> k2(n);
  std::iota(order.begin(), order.end(), 0u);
  std::vector<size_t> hist(D * R, 0);
  for (size_t i = 0; i < n; ++i)
    for (int d = 0; d < D; ++d) ++hist[d * R + ((keys[i] >> (d * B)) & (R - 1))];
  for (int d = 0; d < D; ++d) {
    size_t* h = &hist[d * R];
    if (n == 0 || h[(keys[0] >> (d * B)) & (R - 1)] == n) continue;
    size_t sum = 0;
    for (size_t b = 0; b < R; ++b) {
      size_t c = h[b];
      h[b] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; ++i) {
      size_t pos = h[(keys[i] >> (d * B)) & (R - 1)]++;
      k2[pos] = keys[i];
      o2[pos] = order[i];
    }
    keys.swap(k2);
    order.swap(o2);
  }
  return order;
}

// Order of x ascending (stable in index for equal keys) and dense ranks 1..R (equal values share a rank).
struct Ranked {
  std::vector<uint32_t> order;
  std::vector<uint32_t> rank;
  uint32_t levels = 0;
};
Ranked rank_of(const double* x, size_t n) {
  std::vector<uint64_t> keys(n);
  for (size_t i = 0; i < n; ++i) keys[i] = sort_key(x[i]);
  Ranked r;
  r.order = radix_order(keys);
  r.rank.resize(n);
  uint32_t level = 0;
  for (size_t k = 0; k < n; ++k) {
    if (k == 0 || keys[k] != keys[k - 1]) ++level;
    r.rank[r.order[k]] = level;
  }
  r.levels = level;
  return r;
}

// Fenwick tree over ranks 1..R plus the per-rank totals, so one query gives below, equal and above.
// T = int32_t for unit weights (counts <= N < 2^31, half the memory of int64), double with weights;
// query results are widened to int64 / double.
template <typename T>
struct Fenwick {
  using Wide = std::conditional_t<std::is_integral_v<T>, int64_t, double>;
  std::vector<T> tree, point;
  T total = 0;
  explicit Fenwick(size_t R) : tree(R + 1, 0), point(R + 1, 0) {}
  void add(uint32_t r, T v) {
    point[r] += v;
    total += v;
    for (size_t i = r; i < tree.size(); i += i & (~i + 1)) tree[i] += v;
  }
  // Removes everything at rank r when the tree held only ranks that are being cleared now: zeroing the same
  // nodes an add touched restores exact zeros (no float round-off left behind by add(-w)).
  void clear(uint32_t r) {
    total -= point[r];
    point[r] = 0;
    for (size_t i = r; i < tree.size(); i += i & (~i + 1)) tree[i] = 0;
  }
  T below(uint32_t r) const {  // sum over ranks < r
    T s = 0;
    for (size_t i = r - 1; i > 0; i -= i & (~i + 1)) s += tree[i];
    return s;
  }
  // (weight below r) - (weight above r): the signed count of a query at rank r.
  Wide signed_at(uint32_t r) const {
    if constexpr (std::is_integral_v<T>) {
      Wide b = below(r);
      return b + b + (Wide)point[r] - (Wide)total;
    } else {
      T b = below(r), q = b;
      q += b;
      q += point[r];
      q -= total;
      return (double)q;
    }
  }
};

// ---------- AUC (sort + sweep), with DeLong placements ----------
struct AucOut {
  double auc_raw, ws, wb, var_delong;
  size_t ns, nb;
};

template <typename Acc, bool Weighted>
AucOut auc_sweep(const double* x, const Events& e) {
  Ranked xr = rank_of(x, e.n);
  struct Group { Acc s, b; double s2, b2; };  // weights and squared weights of signal/background in the group
  std::vector<Group> groups;
  Acc ws = 0, wb = 0;
  size_t ns = 0;
  for (size_t a = 0; a < e.n;) {
    size_t z = a;
    Group g{0, 0, 0, 0};
    for (; z < e.n && xr.rank[xr.order[z]] == xr.rank[xr.order[a]]; ++z) {
      uint32_t i = xr.order[z];
      Acc wi = Weighted ? (Acc)e.w[i] : (Acc)1;
      if (e.labels[i]) g.s += wi, g.s2 += (double)wi * (double)wi, ++ns;
      else g.b += wi, g.b2 += (double)wi * (double)wi;
    }
    ws += g.s, wb += g.b;
    groups.push_back(g);
    a = z;
  }
  // Twice the AUC numerator: signal weight * (2 * background below + background tied).
  Acc bbelow = 0;
  KSum num2d;
  Acc num2 = 0;
  for (auto& g : groups) {
    if constexpr (Weighted) num2d.add((double)g.s * (2.0 * (double)bbelow + (double)g.b));
    else num2 += g.s * (2 * bbelow + g.b);
    bbelow += g.b;
  }
  double W = (double)ws * (double)wb;
  double auc;
  if constexpr (Weighted) auc = num2d.value() / (2 * W);
  else auc = (double)num2 / (2 * W);
  // DeLong: placement of a signal event = weighted fraction of background below it (ties 1/2), and vice versa.
  KSum vs, vb;
  double pb = 0, ps = 0;  // background below, signal below (as doubles)
  for (auto& g : groups) {
    double Vs = (pb + 0.5 * (double)g.b) / (double)wb;
    double Vb = ((double)ws - ps - 0.5 * (double)g.s) / (double)ws;  // signal above, ties 1/2
    vs.add(g.s2 * (Vs - auc) * (Vs - auc));
    vb.add(g.b2 * (Vb - auc) * (Vb - auc));
    pb += (double)g.b, ps += (double)g.s;
  }
  size_t nb = e.n - ns;
  double var = NAN;
  if (ns > 1 && nb > 1)
    var = (double)ns / (ns - 1) * vs.value() / ((double)ws * (double)ws) +
          (double)nb / (nb - 1) * vb.value() / ((double)wb * (double)wb);
  return {auc, (double)ws, (double)wb, var, ns, nb};
}

// aucSweep(scores: Float64Array, labels: Uint8Array, weights?: Float64Array)
//   -> {aucRaw, wSignal, wBackground, nSignal, nBackground, varDelong}
Napi::Value AucSweep(const Napi::CallbackInfo& info) {
  auto x = scores_from(info[0], "scores");
  Events e = events_from(info[1], info[2], x.size);
  AucOut o = e.weighted() ? auc_sweep<Comp, true>(x.data, e) : auc_sweep<int64_t, false>(x.data, e);
  auto env = info.Env();
  auto r = Napi::Object::New(env);
  r.Set("aucRaw", o.auc_raw);
  r.Set("wSignal", o.ws);
  r.Set("wBackground", o.wb);
  r.Set("nSignal", (double)o.ns);
  r.Set("nBackground", (double)o.nb);
  r.Set("varDelong", o.var_delong);
  return r;
}

// ---------- exact all-pairs ADO: sort by f, Fenwick over g ranks ----------
template <typename Acc, bool Weighted>
double ado_signed_sum(const double* f, const double* g, const Events& e, double& ws_out, double& wb_out) {
  Ranked fo = rank_of(f, e.n);
  Ranked gr = rank_of(g, e.n);
  using Tree = std::conditional_t<Weighted, Comp, int32_t>;
  Fenwick<Tree> sig(gr.levels), bkg(gr.levels);
  Acc st = 0;
  KSum std_;
  const auto& ord = fo.order;
  for (size_t a = 0; a < e.n;) {
    size_t z = a;
    while (z < e.n && fo.rank[ord[z]] == fo.rank[ord[a]]) ++z;
    // Query the whole group of equal f before inserting it: equal-f pairs have s = 0.
    for (size_t k = a; k < z; ++k) {
      uint32_t i = ord[k];
      Acc wi = Weighted ? (Acc)e.w[i] : (Acc)1;
      // signal i vs earlier background (f_B < f_S, s = +1): t = +1 below in g, -1 above.
      // background i vs earlier signal (f_S < f_B, s = -1): t = -1 for g_S below, +1 above -> same sign rule.
      Acc q = (Acc)(e.labels[i] ? bkg.signed_at(gr.rank[i]) : sig.signed_at(gr.rank[i]));
      if (Weighted) std_.add((double)wi * (double)q);
      else st += wi * q;
    }
    for (size_t k = a; k < z; ++k) {
      uint32_t i = ord[k];
      (e.labels[i] ? sig : bkg).add(gr.rank[i], Weighted ? (Tree)e.w[i] : (Tree)1);
    }
    a = z;
  }
  ws_out = (double)sig.total;
  wb_out = (double)bkg.total;
  return Weighted ? std_.value() : (double)st;
}

// adoFull(f, g, labels, weights?) -> {sumST, wSignal, wBackground}: ADO_raw = 1/2 + sumST / (2 wS wB).
Napi::Value AdoFull(const Napi::CallbackInfo& info) {
  auto f = scores_from(info[0], "f");
  auto g = scores_from(info[1], "g", f.size);
  Events e = events_from(info[2], info[3], f.size);
  double ws = 0, wb = 0;
  double st = e.weighted() ? ado_signed_sum<double, true>(f.data, g.data, e, ws, wb)
                           : ado_signed_sum<int64_t, false>(f.data, g.data, e, ws, wb);
  auto r = Napi::Object::New(info.Env());
  r.Set("sumST", st);
  r.Set("wSignal", ws);
  r.Set("wBackground", wb);
  return r;
}

// ---------- ADO on the differently-ordered pairs: CDQ over g, merge by h, Fenwick over f ----------
// Shared by every candidate F: the events ordered by (g, h), the groups of equal g, the h ranks.
struct DisagreeShared {
  const Events* e;
  std::vector<uint32_t> order;   // events sorted by (g rank, h rank)
  std::vector<uint32_t> hrank;   // h rank per event (original index)
  std::vector<uint32_t> gstart;  // start positions of groups of equal g in `order`, plus n at the end
  std::vector<uint32_t> gid;     // group index of each position in `order`
};

DisagreeShared share(const double* g, const double* h, const Events& e) {
  DisagreeShared s;
  s.e = &e;
  Ranked gr = rank_of(g, e.n), hr = rank_of(h, e.n);
  s.hrank = std::move(hr.rank);
  const auto& grank = gr.rank;
  // Events by (g, h): the h order, then a stable counting sort by g rank.
  std::vector<uint32_t> start(gr.levels + 2, 0);
  for (size_t i = 0; i < e.n; ++i) ++start[grank[i] + 1];
  for (size_t r = 1; r < start.size(); ++r) start[r] += start[r - 1];
  s.order.resize(e.n);
  for (uint32_t i : hr.order) s.order[start[grank[i]]++] = i;
  for (size_t k = 0; k < e.n; ++k)
    if (k == 0 || grank[s.order[k]] != grank[s.order[k - 1]]) s.gstart.push_back((uint32_t)k);
  s.gstart.push_back((uint32_t)e.n);
  s.gid.resize(e.n);
  for (size_t q = 0; q + 1 < s.gstart.size(); ++q)
    for (size_t k = s.gstart[q]; k < s.gstart[q + 1]; ++k) s.gid[k] = (uint32_t)q;
  return s;
}

// One event in the CDQ: h rank, f rank with the class in the top bit (f ranks < 2^31), and the weight if any.
template <bool Weighted> struct Item;
template <> struct Item<false> { uint32_t h, fs; };
template <> struct Item<true> { uint32_t h, fs; double w; };
constexpr uint32_t kSig = 1u << 31;

template <typename Acc, bool Weighted>
struct Cdq {
  const DisagreeShared& sh;
  using It = Item<Weighted>;
  using Tree = std::conditional_t<Weighted, Comp, int32_t>;
  std::vector<It> items, tmp;
  Fenwick<Tree> fen;
  Acc st = 0, wd = 0;  // sum over D of w w' s t, and of w w'
  KSum st_d, wd_d;
  const Control* control;

  Cdq(const DisagreeShared& s, const std::vector<uint32_t>& frank, uint32_t flevels, const Control* c)
      : sh(s), items(s.e->n), tmp(s.e->n), fen(flevels), control(c) {
    for (size_t k = 0; k < s.e->n; ++k) {
      uint32_t i = s.order[k];
      items[k].h = s.hrank[i];
      items[k].fs = frank[i] | (s.e->labels[i] ? kSig : 0u);
      if constexpr (Weighted) items[k].w = s.e->w[i];
    }
  }
  static Tree wt(const It& it) {
    if constexpr (Weighted) return it.w;
    else return 1;
  }
  static bool sig(const It& it) { return it.fs & kSig; }
  static uint32_t fr(const It& it) { return it.fs & ~kSig; }
  void acc(Acc& a, KSum& k, double x, Acc xi) {
    if (Weighted) k.add(x);
    else a += xi;
  }
  // Pairs with one event in L = [lo, mid) (smaller g) and one in R = [mid, hi) (larger g); both sorted by h.
  void cross(size_t lo, size_t mid, size_t hi) {
    It* it = items.data();
    // Signal in R (g_S > g_B: t = +1), background in L with h_B > h_S: sweep h downward.
    size_t p = mid;
    for (size_t k = hi; k-- > mid;) {
      while (p > lo && it[p - 1].h > it[k].h) {
        --p;
        if (!sig(it[p])) fen.add(fr(it[p]), wt(it[p]));
      }
      if (sig(it[k]) && fen.total != Tree(0)) {
        Acc wi = (Acc)wt(it[k]);
        Acc q = (Acc)fen.signed_at(fr(it[k]));
        acc(st, st_d, (double)wi * (double)q, wi * q);
        acc(wd, wd_d, (double)wi * (double)fen.total, wi * (Acc)fen.total);
      }
    }
    for (size_t k = p; k < mid; ++k)
      if (!sig(it[k])) fen.clear(fr(it[k]));
    fen.total = 0;
    // Signal in L (g_S < g_B: t = -1), background in R with h_B < h_S: sweep h upward.
    size_t q = mid;
    for (size_t k = lo; k < mid; ++k) {
      while (q < hi && it[q].h < it[k].h) {
        if (!sig(it[q])) fen.add(fr(it[q]), wt(it[q]));
        ++q;
      }
      if (sig(it[k]) && fen.total != Tree(0)) {
        Acc wi = (Acc)wt(it[k]);
        Acc s = (Acc)fen.signed_at(fr(it[k]));
        acc(st, st_d, -(double)wi * (double)s, -(wi * s));
        acc(wd, wd_d, (double)wi * (double)fen.total, wi * (Acc)fen.total);
      }
    }
    for (size_t k = mid; k < q; ++k)
      if (!sig(it[k])) fen.clear(fr(it[k]));
    fen.total = 0;
  }
  // A small block (still in (g, h) position order): all its pairs directly, then sort it by h. Below this size
  // a pair loop beats Fenwick walks over the global f ranks (cache misses).
  static constexpr size_t kBlock = 32;
  void brute(size_t lo, size_t hi) {
    It* it = items.data();
    for (size_t a = lo; a < hi; ++a)
      for (size_t b = a + 1; b < hi; ++b) {
        if (sh.gid[a] == sh.gid[b] || sig(it[a]) == sig(it[b])) continue;  // t = 0, or not a S/B pair
        // positions a < b in different groups: g_a < g_b
        const It& S = sig(it[b]) ? it[b] : it[a];
        const It& B = sig(it[b]) ? it[a] : it[b];
        int t = sig(it[b]) ? 1 : -1;
        int dh = (S.h > B.h) - (S.h < B.h);
        if (dh != -t) continue;  // not in D(H, G)
        int sf = (fr(S) > fr(B)) - (fr(S) < fr(B));
        Acc ww = (Acc)wt(S) * (Acc)wt(B);
        acc(st, st_d, (double)ww * (sf * t), ww * (sf * t));
        acc(wd, wd_d, (double)ww, ww);
      }
    std::sort(items.begin() + lo, items.begin() + hi, [](const It& x, const It& y) { return x.h < y.h; });
  }
  // Recursion over groups [ga, gb) of equal g; returns with the items of the range sorted by h.
  bool solve(size_t ga, size_t gb, int depth) {
    if (gb - ga <= 1) return true;  // one g group: sorted by h already; no pair has t != 0
    if (sh.gstart[gb] - sh.gstart[ga] <= kBlock) {
      brute(sh.gstart[ga], sh.gstart[gb]);
      return true;
    }
    if (depth < 6 && control && control->cancelled()) return false;
    size_t lo = sh.gstart[ga], hi = sh.gstart[gb];
    size_t half = lo + (hi - lo) / 2;
    size_t gm = std::upper_bound(sh.gstart.begin() + ga, sh.gstart.begin() + gb, (uint32_t)half) - sh.gstart.begin();
    gm = std::clamp(gm, ga + 1, gb - 1);
    size_t mid = sh.gstart[gm];
    if (!solve(ga, gm, depth + 1) || !solve(gm, gb, depth + 1)) return false;
    cross(lo, mid, hi);
    std::merge(items.begin() + lo, items.begin() + mid, items.begin() + mid, items.begin() + hi, tmp.begin() + lo,
               [](const It& a, const It& b) { return a.h < b.h; });
    std::copy(tmp.begin() + lo, tmp.begin() + hi, items.begin() + lo);
    return true;
  }
  void result(double& st_out, double& wd_out) const {
    st_out = Weighted ? st_d.value() : (double)st;
    wd_out = Weighted ? wd_d.value() : (double)wd;
  }
};

// One candidate: returns false when cancelled.
bool disagree_one(const DisagreeShared& sh, const double* f, const Control* c, double& st, double& wd) {
  Ranked fr = rank_of(f, sh.e->n);
  size_t groups = sh.gstart.size() - 1;
  if (sh.e->weighted()) {
    Cdq<double, true> cdq(sh, fr.rank, fr.levels, c);
    if (!cdq.solve(0, groups, 0)) return false;
    cdq.result(st, wd);
  } else {
    Cdq<int64_t, false> cdq(sh, fr.rank, fr.levels, c);
    if (!cdq.solve(0, groups, 0)) return false;
    cdq.result(st, wd);
  }
  return true;
}

Napi::Object pair_totals(Napi::Env env, const Events& e) {
  double ws = 0, wb = 0;
  for (size_t i = 0; i < e.n; ++i) (e.labels[i] ? ws : wb) += e.weighted() ? e.w[i] : 1.0;
  auto r = Napi::Object::New(env);
  r.Set("wSignal", ws);
  r.Set("wBackground", wb);
  return r;
}

// adoDisagree(f, g, h, labels, weights?) -> {sumST, wD, wSignal, wBackground}
//   ADO_D raw = 1/2 + sumST / (2 wD); wD = weight (or count) of pairs in D(H, G).
Napi::Value AdoDisagree(const Napi::CallbackInfo& info) {
  auto f = scores_from(info[0], "candidate");
  auto g = scores_from(info[1], "reference", f.size);
  auto h = scores_from(info[2], "current", f.size);
  Events e = events_from(info[3], info[4], f.size);
  DisagreeShared sh = share(g.data, h.data, e);
  double st = 0, wd = 0;
  disagree_one(sh, f.data, nullptr, st, wd);
  auto r = pair_totals(info.Env(), e);
  r.Set("sumST", st);
  r.Set("wD", wd);
  return r;
}

// adoDisagreeBatch(candidates: Float64Array(K*N), K, g, h, labels, weights?, out: Float64Array(2K), threads,
//                  control?) -> Promise<{wSignal, wBackground}>; out[2k] = sumST, out[2k+1] = wD of candidate k.
Napi::Value AdoDisagreeBatch(const Napi::CallbackInfo& info) {
  auto fs = typed<double>(info[0], "candidates");
  size_t K = (size_t)integer(info[1], "K", 0, 1 << 30);
  auto g = scores_from(info[2], "reference");
  auto h = scores_from(info[3], "current", g.size);
  size_t n = g.size;
  if (fs.size != K * n) fail("candidates: expected K * N = " + std::to_string(K * n) + " values, got " + std::to_string(fs.size));
  for (size_t i = 0; i < fs.size; ++i)
    if (std::isnan(fs[i])) fail("candidates: NaN in candidate " + std::to_string(i / n) + " at index " + std::to_string(i % n));
  auto e = std::make_shared<Events>(events_from(info[4], info[5], n));
  auto out = typed<double>(info[6], "out");
  if (out.size != 2 * K) fail("out: expected length 2K = " + std::to_string(2 * K));
  int threads = resolve_threads((int)integer(info[7], "threads", 0, 256));
  Control control = control_from(info[8]);
  std::vector<Napi::Value> keep{info[0], info[2], info[3], info[4], info[6]};
  if (e->weighted()) keep.push_back(info[5]);
  if (!info[8].IsUndefined() && !info[8].IsNull()) keep.push_back(info[8]);
  auto totals = std::make_shared<std::pair<double, double>>(0, 0);
  for (size_t i = 0; i < n; ++i) (e->labels[i] ? totals->first : totals->second) += e->weighted() ? e->w[i] : 1.0;
  auto work = [=]() -> std::string {
    DisagreeShared sh = share(g.data, h.data, *e);
    std::mutex mu;
    std::string err;
    // Each candidate is independent; its thread owns its buffers (about 5 * 8 * N bytes).
    parallel_for(K, std::min<int>(threads, (int)std::max<size_t>(K, 1)), [&](size_t k) {
      if (control.cancelled()) return;
      try {
        double st = 0, wd = 0;
        if (disagree_one(sh, fs.data + k * n, &control, st, wd)) {
          out[2 * k] = st;
          out[2 * k + 1] = wd;
          control.add_done(1);
        }
      } catch (const std::exception& ex) {
        std::lock_guard<std::mutex> lock(mu);
        if (err.empty()) err = std::string("adoDisagreeBatch: ") + ex.what();
      }
    });
    return err;
  };
  return run_async(info.Env(), keep, work, [totals](Napi::Env env) {
    auto r = Napi::Object::New(env);
    r.Set("wSignal", totals->first);
    r.Set("wBackground", totals->second);
    return r;
  });
}

}  // namespace

JETLENS_EXPORT_GUARDED("aucSweep", AucSweep);
JETLENS_EXPORT_GUARDED("adoFull", AdoFull);
JETLENS_EXPORT_GUARDED("adoDisagree", AdoDisagree);
JETLENS_EXPORT_GUARDED("adoDisagreeBatch", AdoDisagreeBatch);

}  // namespace jetlens
