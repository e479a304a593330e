// AUC, exact Average Decision Ordering (ADO) and ADO restricted to the differently-ordered pairs D(H, G).
// Conventions: H(0) = 1/2 (ties count one half), pair weight = w_S * w_B.
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
#include <memory>
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

// o.labels and o.weights (optional) of an op's options; messages name the op ("adoFull.labels: ...").
Events events_from(const Opts& o, size_t n) {
  Events e;
  e.n = n;
  const std::string L = o.where("labels"), W = o.where("weights");
  if (n >= (size_t(1) << 31)) fail(std::string(o.op()) + ": at most 2^31 - 1 events per call");
  e.labels = o.typed<uint8_t>("labels");
  if (e.labels.size != n) fail(L + ": expected length " + std::to_string(n) + ", got " + std::to_string(e.labels.size));
  size_t ns = 0;
  for (size_t i = 0; i < n; ++i) {
    if (e.labels[i] > 1) fail(L + ": expected 0/1, got " + std::to_string(e.labels[i]) + " at index " + std::to_string(i));
    ns += e.labels[i];
  }
  if (ns == 0 || ns == n) fail(L + ": need at least one signal (1) and one background (0) event");
  if (o.has("weights")) {
    e.w = o.typed<double>("weights");
    if (e.w.size != n) fail(W + ": expected length " + std::to_string(n) + ", got " + std::to_string(e.w.size));
    for (size_t i = 0; i < n; ++i)
      if (!(std::isfinite(e.w[i]) && e.w[i] >= 0)) fail(W + ": expected finite values >= 0 at index " + std::to_string(i));
  }
  return e;
}

// Scores o[k] (Float64Array, no NaN; length n_expected when given).
Span<double> scores_from(const Opts& o, const char* k, size_t n_expected = 0) {
  auto s = o.typed<double>(k);
  if (n_expected && s.size != n_expected)
    fail(o.where(k) + ": expected length " + std::to_string(n_expected) + ", got " + std::to_string(s.size));
  for (size_t i = 0; i < s.size; ++i)
    if (std::isnan(s[i])) fail(o.where(k) + ": NaN at index " + std::to_string(i));
  return s;
}

// The arguments both batch calls (adoDisagreeBatch, adoSubsetBatch) take, read and checked in one place:
// {candidates: Float64Array(K*N), k, reference, current, labels, weights?, out: Float64Array(2K), threads?, control?}.
struct BatchArgs {
  Span<double> fs, g, h, out;  // fs: K candidates of N scores each; out: 2K
  size_t K = 0, n = 0;
  std::shared_ptr<Events> e;  // shared with the worker thread
  int threads = 1;
  Control control;
};
BatchArgs batch_args(const Opts& o) {
  BatchArgs a;
  a.fs = o.typed<double>("candidates");
  a.K = (size_t)o.integer("k", 0, 1 << 30);
  a.g = scores_from(o, "reference");
  a.h = scores_from(o, "current", a.g.size);
  const size_t K = a.K, n = a.n = a.g.size;
  const std::string C = o.where("candidates");
  if (a.fs.size != K * n) fail(C + ": expected K * N = " + std::to_string(K * n) + " values, got " + std::to_string(a.fs.size));
  for (size_t i = 0; i < a.fs.size; ++i)
    if (std::isnan(a.fs[i])) fail(C + ": NaN in candidate " + std::to_string(i / n) + " at index " + std::to_string(i % n));
  a.e = std::make_shared<Events>(events_from(o, n));
  a.out = o.typed<double>("out");
  if (a.out.size != 2 * K) fail(o.where("out") + ": expected length 2K = " + std::to_string(2 * K));
  a.threads = std::min<int>(resolve_threads((int)o.integer("threads", 0, 256, 0)), (int)std::max<size_t>(K, 1));
  a.control = control_from(o.raw("control"));
  o.done();
  return a;
}

// The batch calls' result: {wSignal, wBackground} from totals the worker filled.
std::function<Napi::Value(Napi::Env)> totals_result(std::shared_ptr<std::pair<double, double>> totals) {
  return [totals](Napi::Env env) {
    auto r = Napi::Object::New(env);
    r.Set("wSignal", totals->first);
    r.Set("wBackground", totals->second);
    return Napi::Value(r);
  };
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
// ctl (optional): checked before each pass (throws Cancelled).
std::vector<uint32_t> radix_order(std::vector<uint64_t>& keys, const Control* ctl = nullptr) {
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
    if (ctl) ctl->check();
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
Ranked rank_of(const double* x, size_t n, const Control* ctl = nullptr) {
  std::vector<uint64_t> keys(n);
  for (size_t i = 0; i < n; ++i) keys[i] = sort_key(x[i]);
  Ranked r;
  r.order = radix_order(keys, ctl);
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

// aucSweep({scores: Float64Array, labels: Uint8Array, weights?: Float64Array})
//   -> {aucRaw, wSignal, wBackground, nSignal, nBackground, varDelong}
Napi::Value AucSweep(const Napi::CallbackInfo& info) {
  Opts opts(info[0], "aucSweep");
  auto x = scores_from(opts, "scores");
  Events e = events_from(opts, x.size);
  opts.done();
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

// adoFull({f, g, labels, weights?}) -> {sumST, wSignal, wBackground}: ADO_raw = 1/2 + sumST / (2 wS wB).
Napi::Value AdoFull(const Napi::CallbackInfo& info) {
  Opts o(info[0], "adoFull");
  auto f = scores_from(o, "f");
  auto g = scores_from(o, "g", f.size);
  Events e = events_from(o, f.size);
  o.done();
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

// adoDisagree({candidate, reference, current, labels, weights?}) -> {sumST, wD, wSignal, wBackground}
//   ADO_D raw = 1/2 + sumST / (2 wD); wD = weight (or count) of pairs in D(H, G).
Napi::Value AdoDisagree(const Napi::CallbackInfo& info) {
  Opts o(info[0], "adoDisagree");
  auto f = scores_from(o, "candidate");
  auto g = scores_from(o, "reference", f.size);
  auto h = scores_from(o, "current", f.size);
  Events e = events_from(o, f.size);
  o.done();
  DisagreeShared sh = share(g.data, h.data, e);
  double st = 0, wd = 0;
  disagree_one(sh, f.data, nullptr, st, wd);
  auto r = pair_totals(info.Env(), e);
  r.Set("sumST", st);
  r.Set("wD", wd);
  return r;
}

// adoDisagreeBatch({candidates: Float64Array(K*N), k, reference, current, labels, weights?, out: Float64Array(2K),
//                   threads?, control?}) -> Promise<{wSignal, wBackground}>; out[2c] = sumST, out[2c+1] = wD.
Napi::Value AdoDisagreeBatch(const Napi::CallbackInfo& info) {
  Opts o(info[0], "adoDisagreeBatch");
  const BatchArgs a = batch_args(o);
  std::vector<Napi::Value> keep = o.keep();
  auto totals = std::make_shared<std::pair<double, double>>(0, 0);
  for (size_t i = 0; i < a.n; ++i) (a.e->labels[i] ? totals->first : totals->second) += a.e->weighted() ? a.e->w[i] : 1.0;
  auto work = [=]() -> std::string {
    DisagreeShared sh = share(a.g.data, a.h.data, *a.e);
    if (a.control.cancelled()) return std::string();
    // Each candidate is independent; its thread owns its buffers (about 5 * 8 * N bytes). parallel_for turns an
    // exception into a located error ("candidate k: ...").
    parallel_for(a.K, a.threads, [&](size_t k) {
      if (a.control.cancelled()) return;
      double st = 0, wd = 0;
      if (disagree_one(sh, a.fs.data + k * a.n, &a.control, st, wd)) {
        a.out[2 * k] = st;
        a.out[2 * k + 1] = wd;
        a.control.add_done(1);
      }
    }, 1, "candidate");
    return std::string();
  };
  return run_async(info.Env(), keep, work, totals_result(totals));
}

}  // namespace

JETLENS_EXPORT_GUARDED("aucSweep", AucSweep);
JETLENS_EXPORT_GUARDED("adoFull", AdoFull);
JETLENS_EXPORT_GUARDED("adoDisagree", AdoDisagree);
JETLENS_EXPORT_GUARDED("adoDisagreeBatch", AdoDisagreeBatch);

// ---------- ADO on D(H, G) in O(N log N): concordance sums with tie corrections ----------
// With s = sign of the S - B difference in f, g, h, a pair is in D(H, G) iff s_g s_h = -1, so
//   1_D = (s_g^2 s_h^2 - s_g s_h) / 2   and
//   sumST = sum_D s_f s_g = ( K(f, g | h untied) - K(f, h | g untied) ) / 2,
//   wD    = sum_D 1      = ( U(g, h) - K(g, h) ) / 2,
// where K(a, b | c untied) = K(a, b) - (the same sum over pairs tied in c), K(a, b) = sum s_a s_b over all S/B
// pairs (one Fenwick sweep), U(g, h) = pairs untied in both. Per candidate: one radix sort of f and one sweep over
// it with Fenwick trees over the g ranks, the h ranks and, where ties mix classes, the positions in (h, g) and
// (g, h) order (the tie corrections: pairs in the same h group, ordered by g, and vice versa). The g and h orders,
// the tie layouts and wD are shared by all candidates. All sums are weighted by w_S w_B (int64 without weights).
// That is the weighted path (and method 'fenwick'); with unit weights the same sums come from the bit sweep below
// (sumST = (K(f, gh) - K(f, hg)) / 2 over lexicographic (g, h) and (h, g) ranks, no tie trees).
namespace {

// Fenwick tree without per-rank totals (half the memory of Fenwick above): prefix(x) = sum over indices < x.
template <typename T>
struct Lean {
  std::vector<T> tree;
  T total = 0;
  explicit Lean(size_t n) : tree(n + 1, T(0)) {}
  void add(size_t idx, T v) {  // idx 0-based
    total += v;
    for (size_t i = idx + 1; i < tree.size(); i += i & (~i + 1)) tree[i] += v;
  }
  T prefix(size_t x) const {
    T s = 0;
    for (size_t i = x; i > 0; i -= i & (~i + 1)) s += tree[i];
    return s;
  }
};

// Events laid out by (outer, inner) rank: for each event, its group of equal outer value [lo, hi) and, inside
// it, the run of equal inner value [eqlo, eqhi); pos = its own position (a tie-correction tree index).
struct TieLayout {
  bool needed = false;  // some outer group holds both classes
  std::vector<uint32_t> pos, lo, eqlo, eqhi, hi;
};

TieLayout tie_layout(const std::vector<uint32_t>& outer, uint32_t olev, const std::vector<uint32_t>& inner,
                     const std::vector<uint32_t>& inner_order, const Events& e) {
  TieLayout t;
  size_t n = e.n;
  // does any outer group hold a signal and a background event?
  std::vector<uint8_t> seen(olev + 1, 0);
  for (size_t i = 0; i < n; ++i) seen[outer[i]] |= e.labels[i] ? 1 : 2;
  for (uint32_t r = 1; r <= olev && !t.needed; ++r) t.needed = seen[r] == 3;
  if (!t.needed) return t;
  // order by (outer, inner): the inner order, then a stable counting sort by outer rank
  std::vector<uint32_t> start(olev + 2, 0), order(n);
  for (size_t i = 0; i < n; ++i) ++start[outer[i] + 1];
  for (size_t r = 1; r < start.size(); ++r) start[r] += start[r - 1];
  std::vector<uint32_t> gstart(start.begin(), start.end());
  for (uint32_t i : inner_order) order[start[outer[i]]++] = i;
  t.pos.resize(n), t.lo.resize(n), t.eqlo.resize(n), t.eqhi.resize(n), t.hi.resize(n);
  for (size_t k = 0; k < n;) {
    uint32_t i = order[k];
    size_t glo = gstart[outer[i]], ghi = gstart[outer[i] + 1];
    for (size_t a = k; a < ghi;) {
      size_t z = a;
      while (z < ghi && inner[order[z]] == inner[order[a]]) ++z;
      for (size_t q = a; q < z; ++q) {
        uint32_t j = order[q];
        t.pos[j] = (uint32_t)q, t.lo[j] = (uint32_t)glo, t.eqlo[j] = (uint32_t)a, t.eqhi[j] = (uint32_t)z, t.hi[j] = (uint32_t)ghi;
      }
      a = z;
    }
    k = ghi;
  }
  return t;
}

struct BitShared;
struct SubsetShared {
  const Events* e;
  std::vector<uint32_t> grank, hrank;
  uint32_t glev = 0, hlev = 0;
  TieLayout hg, gh;  // (h, g) order: pairs tied in h; (g, h) order: pairs tied in g (weighted path only)
  double wD = 0, ws = 0, wb = 0;
  std::shared_ptr<const BitShared> bits;  // unit weights: the bit-sweep path
};

// Events by (outer, inner) rank in O(N): the inner order, then a stable counting sort by the outer rank.
std::vector<uint32_t> by_outer_inner(const std::vector<uint32_t>& outer, uint32_t olev, const std::vector<uint32_t>& inner_order) {
  std::vector<uint32_t> start(olev + 2, 0), order(outer.size());
  for (uint32_t r : outer) ++start[r + 1];
  for (size_t r = 1; r < start.size(); ++r) start[r] += start[r - 1];
  for (uint32_t i : inner_order) order[start[outer[i]]++] = i;
  return order;
}

// Sum of w_S w_B over S/B pairs tied in the key, for runs of equal key in `order` (key(i) constant on a run).
template <typename Same>
double tied_weight(const Events& e, const std::vector<uint32_t>& order, Same same) {
  KSum s;
  for (size_t a = 0; a < order.size();) {
    size_t z = a;
    double ws = 0, wb = 0;
    for (; z < order.size() && same(order[a], order[z]); ++z) {
      uint32_t i = order[z];
      (e.labels[i] ? ws : wb) += e.weighted() ? e.w[i] : 1.0;
    }
    if (z - a > 1) s.add(ws * wb);
    a = z;
  }
  return s.value();
}

// K(outer, inner) = sum over S/B pairs of w w' s_outer s_inner: sweep `order` (by outer), Fenwick over inner ranks.
template <typename Acc, bool Weighted>
double concordance(const Events& e, const std::vector<uint32_t>& order, const std::vector<uint32_t>& orank,
                   const std::vector<uint32_t>& irank, uint32_t ilev, const Control* ctl = nullptr) {
  Ticker tick(ctl);  // throws Cancelled: a huge event set is cancelled inside the sweep
  using Tree = std::conditional_t<Weighted, Comp, int32_t>;
  Fenwick<Tree> t[2] = {Fenwick<Tree>(ilev), Fenwick<Tree>(ilev)};  // [0] background, [1] signal
  Acc sum = 0;
  KSum sumd;
  for (size_t a = 0; a < e.n;) {
    size_t z = a;
    while (z < e.n && orank[order[z]] == orank[order[a]]) ++z;
    tick.tick(z - a);
    for (size_t k = a; k < z; ++k) {
      uint32_t i = order[k];
      auto q = t[e.labels[i] ? 0 : 1].signed_at(irank[i]);
      if constexpr (Weighted) sumd.add(e.w[i] * (double)q);
      else sum += (Acc)q;
    }
    for (size_t k = a; k < z; ++k) {
      uint32_t i = order[k];
      t[e.labels[i] ? 1 : 0].add(irank[i], Weighted ? (Tree)e.w[i] : (Tree)1);
    }
    a = z;
  }
  return Weighted ? sumd.value() : (double)sum;
}

// The unit-weight bit-sweep path (defined below).
std::shared_ptr<const BitShared> make_bit_shared(const Ranked& gr, const Ranked& hr, const Events& e,
                                                 const Control* ctl = nullptr);
double kendall_gh(const Ranked& gr, const Ranked& hr, const Events& e);

// method: 0 = auto, 1 = Fenwick trees (the weighted path), 2 = bit sweep (unit weights only).
// ctl (optional): checked between the phases and inside the sorts and the concordance sweep (throws Cancelled).
SubsetShared subset_share(const double* g, const double* h, const Events& e, int method = 0, const Control* ctl = nullptr) {
  SubsetShared s;
  s.e = &e;
  auto check = [ctl]() { if (ctl) ctl->check(); };
  Ranked gr = rank_of(g, e.n, ctl), hr = rank_of(h, e.n, ctl);
  if (e.weighted() || method == 1) {
    s.hg = tie_layout(hr.rank, hr.levels, gr.rank, gr.order, e);
    check();
    s.gh = tie_layout(gr.rank, gr.levels, hr.rank, hr.order, e);
  } else {
    s.bits = make_bit_shared(gr, hr, e, ctl);
  }
  check();
  double ws = 0, wb = 0;
  for (size_t i = 0; i < e.n; ++i) (e.labels[i] ? ws : wb) += e.weighted() ? e.w[i] : 1.0;
  s.ws = ws, s.wb = wb;
  // U(g, h) = all pairs - tied in g - tied in h + tied in both; wD = (U - K(g, h)) / 2
  const auto& G = gr.rank;
  const auto& H = hr.rank;
  double tg = 0, th = 0, tgh = 0;
  if (gr.levels < e.n) {  // ties in g exist
    auto gh = by_outer_inner(G, gr.levels, hr.order);
    tg = tied_weight(e, gh, [&](uint32_t a, uint32_t b) { return G[a] == G[b]; });
    tgh = tied_weight(e, gh, [&](uint32_t a, uint32_t b) { return G[a] == G[b] && H[a] == H[b]; });
  }
  if (hr.levels < e.n) th = tied_weight(e, hr.order, [&](uint32_t a, uint32_t b) { return H[a] == H[b]; });
  check();
  double kgh = e.weighted() ? concordance<double, true>(e, gr.order, G, H, hr.levels, ctl)
               : s.bits ? kendall_gh(gr, hr, e) : concordance<int64_t, false>(e, gr.order, G, H, hr.levels, ctl);
  KSum u;
  u.add(ws * wb), u.add(-tg), u.add(-th), u.add(tgh), u.add(-kgh);
  s.wD = u.value() / 2;
  if (!e.weighted()) s.wD = std::round(s.wD);  // an integer count
  // with weights wD is a difference of sums of order wS wB: below their rounding it is an empty D, not a tiny one
  else if (std::fabs(s.wD) <= 1e-12 * ws * wb) s.wD = 0;
  s.grank = std::move(gr.rank), s.hrank = std::move(hr.rank);
  s.glev = gr.levels, s.hlev = hr.levels;
  return s;
}

template <typename Acc, bool Weighted>
double subset_one(const SubsetShared& sh, const double* f, const Control* ctl) {
  using Tree = std::conditional_t<Weighted, Comp, int32_t>;
  const Events& e = *sh.e;
  const size_t n = e.n;
  Ranked fr = rank_of(f, n, ctl);
  // [0] = background trees, [1] = signal trees; an event queries the other class
  Fenwick<Tree> G[2] = {Fenwick<Tree>(sh.glev), Fenwick<Tree>(sh.glev)};
  Fenwick<Tree> H[2] = {Fenwick<Tree>(sh.hlev), Fenwick<Tree>(sh.hlev)};
  const bool th = sh.hg.needed, tg = sh.gh.needed;
  Lean<Tree> HG[2] = {Lean<Tree>(th ? n : 0), Lean<Tree>(th ? n : 0)};
  Lean<Tree> GH[2] = {Lean<Tree>(tg ? n : 0), Lean<Tree>(tg ? n : 0)};
  Acc sum = 0;  // K(f, g) - tie_h - K(f, h) + tie_g, accumulated per event
  KSum sumd;
  auto signed_tie = [](const Lean<Tree>& t, const TieLayout& L, uint32_t i) {  // same outer, inner below - above
    Tree q = t.prefix(L.eqlo[i]);
    q -= t.prefix(L.lo[i]);
    q -= t.prefix(L.hi[i]);
    q += t.prefix(L.eqhi[i]);
    return q;
  };
  const auto& ord = fr.order;
  Ticker tick(ctl);  // a huge candidate is cancelled inside its sweep (throws Cancelled)
  for (size_t a = 0; a < n;) {
    size_t z = a;
    while (z < n && fr.rank[ord[z]] == fr.rank[ord[a]]) ++z;
    tick.tick(z - a);
    for (size_t k = a; k < z; ++k) {  // the whole group of equal f first: s_f = 0 among them
      uint32_t i = ord[k];
      int o = e.labels[i] ? 0 : 1;
      // below minus above in g, and in h (Fenwick::signed_at)
      Tree q = (Tree)G[o].signed_at(sh.grank[i]);
      q -= (Tree)H[o].signed_at(sh.hrank[i]);
      if (th) q -= signed_tie(HG[o], sh.hg, i);
      if (tg) q += signed_tie(GH[o], sh.gh, i);
      if constexpr (Weighted) sumd.add(e.w[i] * (double)q);
      else sum += (Acc)q;
    }
    for (size_t k = a; k < z; ++k) {
      uint32_t i = ord[k];
      int c = e.labels[i] ? 1 : 0;
      Tree w = Weighted ? (Tree)e.w[i] : (Tree)1;
      G[c].add(sh.grank[i], w);
      H[c].add(sh.hrank[i], w);
      if (th) HG[c].add(sh.hg.pos[i], w);
      if (tg) GH[c].add(sh.gh.pos[i], w);
    }
    a = z;
  }
  return (Weighted ? sumd.value() : (double)sum) / 2;
}

// ---------- unit weights: the same sums by a cache-friendly bit sweep instead of Fenwick walks ----------
// With unit weights sumST = ( K(f, gh) - K(f, hg) ) / 2, where gh is the (g, h) lexicographic order (s_gh = s_g, or
// s_h where g ties) and hg the (h, g) order: a pair gets (s_gh - s_hg)/2 = s_g exactly when s_g s_h = -1, and 0
// otherwise (ties included), so no tie-correction trees are needed. Each K is a bichromatic inversion count
//   K(f, r) = sum over events i, in f order, of sum_{j before i, other class} sign(r_i - r_j),
// computed bit by bit from the top bit of the rank r (a wavelet-matrix pass): at each level the events are grouped
// by the rank bits above (runs, kept in f order by a stable partition), and a pair is counted at the first bit where
// their ranks differ. Every level is one sequential, branch-free pass over N packed words (rank << 1 | class), so
// the sweep streams memory instead of walking a tree of N counters (68% of the Fenwick kernel's time was cache
// misses in those walks). Pairs tied in f are ordered background first; the sweep then counts each such pair as
// sign(r_S - r_B), which is subtracted per tied group (a small 1-D count).

// Per-thread scratch, reused across candidates (no per-candidate allocation).
struct BitScratch {
  std::vector<uint64_t> keys, k2;
  std::vector<uint32_t> order, o2, seq, tmp, buf;
  std::vector<size_t> hist;
};

// Stable LSD radix sort of (keys, order) in place, as radix_order above but into the caller's buffers.
void radix_sort_pairs(BitScratch& s) {
  constexpr int B = 11, D = 6;
  constexpr size_t R = size_t(1) << B;
  size_t n = s.keys.size();
  s.k2.resize(n), s.o2.resize(n);
  s.hist.assign(D * R, 0);
  size_t* hist = s.hist.data();
  for (size_t i = 0; i < n; ++i)
    for (int d = 0; d < D; ++d) ++hist[d * R + ((s.keys[i] >> (d * B)) & (R - 1))];
  for (int d = 0; d < D; ++d) {
    size_t* h = hist + d * R;
    if (n == 0 || h[(s.keys[0] >> (d * B)) & (R - 1)] == n) continue;
    size_t sum = 0;
    for (size_t b = 0; b < R; ++b) {
      size_t c = h[b];
      h[b] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; ++i) {
      size_t pos = h[(s.keys[i] >> (d * B)) & (R - 1)]++;
      s.k2[pos] = s.keys[i];
      s.o2[pos] = s.order[i];
    }
    s.keys.swap(s.k2);
    s.order.swap(s.o2);
  }
}

// s.order = events by x ascending, ties background first (then by index); s.keys = the sorted keys.
// `by_class` lists the background events, then the signal events.
void order_bg_first(const double* x, const std::vector<uint32_t>& by_class, BitScratch& s) {
  size_t n = by_class.size();
  s.keys.resize(n), s.order.resize(n);
  for (size_t k = 0; k < n; ++k) {
    uint32_t i = by_class[k];
    s.order[k] = i;
    s.keys[k] = sort_key(x[i]);
  }
  radix_sort_pairs(s);
}

// A = sum_i #{j < i of the other class whose rank is below r_i} over a[0..n) (words r << 1 | class, r < 2^nbits),
// counted at the first bit where the two ranks differ. Then sum_i sum_{j < i, other class} sign(r_i - r_j) =
// 2 A - U, where U = the S/B pairs with different ranks: at each level and run, (0-before-1) - (1-before-0) pairs =
// 2 (0-before-1) - (all 0/1 pairs), and the all-pairs term summed over levels is U, whatever the order. So one
// counter per class is enough (earlier 0s of the run); they stay in registers. a and b are the two buffers of the
// stable partitions (ping-pong; both are overwritten).
int64_t bit_sweep(uint32_t* a, uint32_t* b, size_t n, int nbits) {
  int64_t sum = 0;
  size_t nz = 0;  // events whose bit at the current level is 0
  for (size_t k = 0; k < n; ++k) nz += ((a[k] >> nbits) & 1) ^ 1;
  for (int lv = nbits - 1; lv >= 0; --lv) {
    const int sh = lv + 1;  // the rank's bit lv in the word
    int64_t z0 = 0, z1 = 0;  // earlier events of the run with bit 0, by class
    uint32_t prev = a[0] >> (sh + 1);
    size_t p0 = 0, p1 = nz, nz_next = 0;
    const bool last = lv == 0;
    for (size_t k = 0; k < n; ++k) {
      uint32_t x = a[k];
      uint32_t run = x >> (sh + 1);
      int64_t keep = -(int64_t)(run == prev);  // all ones inside a run, zero at a new run
      prev = run;
      z0 &= keep, z1 &= keep;
      int64_t bit = (x >> sh) & 1, cls = x & 1, nbit = bit ^ 1;
      sum += (cls ? z0 : z1) & -bit;  // a 1 counts the other class's earlier 0s
      z0 += nbit & (cls ^ 1), z1 += nbit & cls;
      if (!last) {
        // stable partition, zeros first: the slot by arithmetic (GCC turned `bit ? p1 : p0` into a mispredicted branch)
        size_t dest = p0 + ((p1 - p0) & (size_t)-bit);
        b[dest] = x;
        p0 += nbit, p1 += bit;
        nz_next += ((x >> (sh - 1)) & 1) ^ 1;
      }
    }
    std::swap(a, b);
    nz = nz_next;
  }
  return sum;
}

// U = S/B pairs whose rank differs, for words r << 1 | class with ranks 1..levels.
int64_t untied_pairs(const std::vector<uint32_t>& w, uint32_t levels) {
  std::vector<int64_t> c(2 * (size_t(levels) + 1), 0);
  for (uint32_t x : w) ++c[x];
  int64_t ns = 0, nb = 0, tied = 0;
  for (size_t r = 0; r <= levels; ++r) ns += c[2 * r + 1], nb += c[2 * r], tied += c[2 * r] * c[2 * r + 1];
  return ns * nb - tied;
}

// sum over S/B pairs of one tied group of sign(r_S - r_B) (words r << 1 | class in buf, sorted here).
int64_t tied_group_signed(uint32_t* w, size_t m) {
  std::sort(w, w + m);
  int64_t nb = 0;
  for (size_t q = 0; q < m; ++q) nb += (w[q] & 1) ^ 1;
  if (nb == 0 || nb == (int64_t)m) return 0;
  int64_t t = 0, bbelow = 0;
  for (size_t a = 0; a < m;) {
    size_t z = a;
    int64_t ns = 0, nbr = 0;
    for (; z < m && (w[z] >> 1) == (w[a] >> 1); ++z) ((w[z] & 1) ? ns : nbr) += 1;
    t += ns * (bbelow - (nb - bbelow - nbr));
    bbelow += nbr;
    a = z;
  }
  return t;
}

// K(x, r) for the order in s (from order_bg_first): the bit sweep, minus the pairs tied in x it counted.
// `untied` = untied_pairs(rkey).
int64_t kendall_bits(const std::vector<uint32_t>& rkey, int nbits, int64_t untied, BitScratch& s) {
  size_t n = s.order.size();
  if (n == 0) return 0;
  s.seq.resize(n), s.tmp.resize(n);
  for (size_t k = 0; k < n; ++k) s.seq[k] = rkey[s.order[k]];
  int64_t sum = 2 * bit_sweep(s.seq.data(), s.tmp.data(), n, nbits) - untied;
  for (size_t a = 0; a < n;) {
    size_t z = a + 1;
    while (z < n && s.keys[z] == s.keys[a]) ++z;
    if (z - a > 1) {
      s.buf.resize(z - a);
      for (size_t q = a; q < z; ++q) s.buf[q - a] = rkey[s.order[q]];
      sum -= tied_group_signed(s.buf.data(), z - a);
    }
    a = z;
  }
  return sum;
}

int bit_width(uint32_t levels) {
  int b = 0;
  while (b < 31 && (uint64_t(1) << b) <= levels) ++b;
  return b;
}

// Packed words (dense rank of (outer, inner) << 1 | class) for the events ordered by (outer, inner).
std::vector<uint32_t> pair_rank_words(const std::vector<uint32_t>& outer, uint32_t olev, const std::vector<uint32_t>& inner,
                                      const std::vector<uint32_t>& inner_order, const Events& e, uint32_t& levels) {
  auto order = by_outer_inner(outer, olev, inner_order);
  std::vector<uint32_t> w(e.n);
  uint32_t level = 0;
  for (size_t k = 0; k < e.n; ++k) {
    uint32_t i = order[k];
    if (k == 0 || outer[i] != outer[order[k - 1]] || inner[i] != inner[order[k - 1]]) ++level;
    w[i] = (level << 1) | e.labels[i];
  }
  levels = level;
  return w;
}

struct BitShared {
  std::vector<uint32_t> by_class, gh, hg;
  int gh_bits = 0, hg_bits = 0;
  int64_t untied = 0;  // S/B pairs not tied in both g and h (the same for gh and hg)
};

// The shared part of the unit-weight path: the class order and the (g, h) and (h, g) rank words.
BitShared bit_share(const Ranked& gr, const Ranked& hr, const Events& e, const Control* ctl) {
  auto check = [ctl]() { if (ctl) ctl->check(); };  // between the passes (throws Cancelled)
  BitShared b;
  b.by_class.reserve(e.n);
  for (int c = 0; c < 2; ++c)
    for (size_t i = 0; i < e.n; ++i)
      if (e.labels[i] == c) b.by_class.push_back((uint32_t)i);
  uint32_t lev = 0;
  check();
  b.gh = pair_rank_words(gr.rank, gr.levels, hr.rank, hr.order, e, lev);
  b.gh_bits = bit_width(lev);
  check();
  b.untied = untied_pairs(b.gh, lev);
  check();
  b.hg = pair_rank_words(hr.rank, hr.levels, gr.rank, gr.order, e, lev);
  b.hg_bits = bit_width(lev);
  return b;
}

// ctl (optional): checked between the three passes (throws Cancelled).
double subset_bits(const BitShared& b, const double* f, BitScratch& s, const Control* ctl = nullptr) {
  auto check = [ctl]() { if (ctl) ctl->check(); };
  order_bg_first(f, b.by_class, s);
  check();
  int64_t kgh = kendall_bits(b.gh, b.gh_bits, b.untied, s);
  check();
  int64_t khg = kendall_bits(b.hg, b.hg_bits, b.untied, s);
  return (double)((kgh - khg) / 2);
}

std::shared_ptr<const BitShared> make_bit_shared(const Ranked& gr, const Ranked& hr, const Events& e, const Control* ctl) {
  return std::make_shared<const BitShared>(bit_share(gr, hr, e, ctl));
}

// K(g, h) with unit weights (for wD): events in g order (ties background first), words of the h ranks. The g order
// comes from g's ranking (no second sort): inside each run of equal g, background first.
double kendall_gh(const Ranked& gr, const Ranked& hr, const Events& e) {
  BitScratch s;
  s.order.resize(e.n), s.keys.resize(e.n);
  for (size_t a = 0, k = 0; a < e.n;) {
    size_t z = a + 1;
    while (z < e.n && gr.rank[gr.order[z]] == gr.rank[gr.order[a]]) ++z;
    if (z - a == 1) s.order[k++] = gr.order[a];
    else
      for (int c = 0; c < 2; ++c)
        for (size_t q = a; q < z; ++q)
          if (e.labels[gr.order[q]] == c) s.order[k++] = gr.order[q];
    a = z;
  }
  for (size_t k = 0; k < e.n; ++k) s.keys[k] = gr.rank[s.order[k]];
  std::vector<uint32_t> hw(e.n);
  for (size_t i = 0; i < e.n; ++i) hw[i] = (hr.rank[i] << 1) | e.labels[i];
  return (double)kendall_bits(hw, bit_width(hr.levels), untied_pairs(hw, hr.levels), s);
}


double subset_sum(const SubsetShared& sh, const double* f, const Control* ctl = nullptr) {
  if (sh.e->weighted()) return subset_one<double, true>(sh, f, ctl);
  if (!sh.bits) return subset_one<int64_t, false>(sh, f, ctl);
  thread_local BitScratch scratch;  // reused by this thread's next candidate
  return subset_bits(*sh.bits, f, scratch, ctl);
}

// adoSubset({candidate, reference, current, labels, weights?, method?}) -> {sumST, wD, wSignal, wBackground}
Napi::Value AdoSubset(const Napi::CallbackInfo& info) {
  Opts o(info[0], "adoSubset");
  auto f = scores_from(o, "candidate");
  auto g = scores_from(o, "reference", f.size);
  auto h = scores_from(o, "current", f.size);
  Events e = events_from(o, f.size);
  // method: the kernel for unit weights; 'fenwick' (the weighted path's trees) is kept for cross-checks and benches
  int method = o.has("method") ? o.choice("method", {"auto", "fenwick", "bits"}) : 0;
  o.done();
  SubsetShared sh = subset_share(g.data, h.data, e, method);
  auto r = Napi::Object::New(info.Env());
  r.Set("sumST", subset_sum(sh, f.data));
  r.Set("wD", sh.wD);
  r.Set("wSignal", sh.ws);
  r.Set("wBackground", sh.wb);
  return r;
}

// adoSubsetBatch({candidates: Float64Array(K*N), k, reference, current, labels, weights?, out: Float64Array(2K),
//                 threads, control?}) -> Promise<{wSignal, wBackground}>; out[2c] = sumST, out[2c+1] = wD.
Napi::Value AdoSubsetBatch(const Napi::CallbackInfo& info) {
  Opts o(info[0], "adoSubsetBatch");
  const BatchArgs a = batch_args(o);
  std::vector<Napi::Value> keep = o.keep();
  auto totals = std::make_shared<std::pair<double, double>>(0, 0);
  auto work = [=]() -> std::string {
    SubsetShared sh = subset_share(a.g.data, a.h.data, *a.e, 0, &a.control);
    totals->first = sh.ws, totals->second = sh.wb;
    if (a.control.cancelled()) return std::string();
    parallel_for(a.K, a.threads, [&](size_t c) {
      if (a.control.cancelled()) return;
      a.out[2 * c] = subset_sum(sh, a.fs.data + c * a.n, &a.control);
      a.out[2 * c + 1] = sh.wD;
      a.control.add_done(1);
    }, 1, "candidate");
    return std::string();
  };
  return run_async(info.Env(), keep, work, totals_result(totals));
}

}  // namespace

JETLENS_EXPORT_GUARDED("adoSubset", AdoSubset);
JETLENS_EXPORT_GUARDED("adoSubsetBatch", AdoSubsetBatch);

}  // namespace jetlens
