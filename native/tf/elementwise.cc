// Elementwise kernels for the tfjs backend: broadcasting binary ops (float32 in, float32 or bool out), unary ops
// and Sum over any set of axes. tfjs's cpu backend runs these as JS loops with per-element index arithmetic, which
// made them 80-90% of a training step once the convolutions and matmuls were native.
// Exactness: +, -, *, /, sqrt in float equal the cpu backend's double-then-round results bit for bit;
// transcendental ops are evaluated in double and rounded once, like the cpu backend; Sum accumulates in double.
#include <cmath>
#include <cstring>
#include <vector>

#include "tf/args.h"
#include "tf/pool.h"

namespace jetlens::tf {
namespace {

constexpr int kMaxRank = 8;
constexpr long kGrain = 1 << 15;  // elements per task: smaller ops are not worth waking a thread for

struct Layout {
  int rank = 0;
  long shape[kMaxRank], sa[kMaxRank], sb[kMaxRank];
};

// Merges adjacent dims when both operands walk them contiguously (and drops size-1 dims), so a same-shape op is
// one flat loop and a bias add is [rows, channels].
Layout collapse(const Span<int32_t>& shape, const Span<int32_t>& sa, const Span<int32_t>& sb) {
  Layout l;
  for (size_t d = 0; d < shape.size; ++d) {
    if (shape[d] == 1) continue;
    if (l.rank > 0) {
      int p = l.rank - 1;
      if (l.sa[p] == (long)sa[d] * shape[d] && l.sb[p] == (long)sb[d] * shape[d]) {
        l.shape[p] *= shape[d];
        l.sa[p] = sa[d];
        l.sb[p] = sb[d];
        continue;
      }
    }
    l.shape[l.rank] = shape[d];
    l.sa[l.rank] = sa[d];
    l.sb[l.rank] = sb[d];
    ++l.rank;
  }
  if (l.rank == 0) l = Layout{1, {1}, {0}, {0}};
  return l;
}

enum Op { ADD, SUB, MUL, DIV, MAX, MIN, SQDIFF, GT, GE, LT, LE, EQ, NE };

template <int O> inline auto apply(float x, float y) {
  if constexpr (O == ADD) return x + y;
  else if constexpr (O == SUB) return x - y;
  else if constexpr (O == MUL) return x * y;
  else if constexpr (O == DIV) return x / y;
  // tfjs cpu: Math.max/min propagate NaN
  else if constexpr (O == MAX) return (x != x || y != y) ? NAN : (x > y ? x : y);
  else if constexpr (O == MIN) return (x != x || y != y) ? NAN : (x < y ? x : y);
  else if constexpr (O == SQDIFF) return (x - y) * (x - y);
  else if constexpr (O == GT) return (uint8_t)(x > y);
  else if constexpr (O == GE) return (uint8_t)(x >= y);
  else if constexpr (O == LT) return (uint8_t)(x < y);
  else if constexpr (O == LE) return (uint8_t)(x <= y);
  else if constexpr (O == EQ) return (uint8_t)(x == y);
  else return (uint8_t)(x != y);
}

// Rows [r0, r1) of the collapsed layout: every dim but the last is a "row" index.
template <int O, typename T>
void rows(const Layout& l, const float* a, const float* b, T* out, long r0, long r1) {
  const int last = l.rank - 1;
  const long n = l.shape[last], ia = l.sa[last], ib = l.sb[last];
  for (long r = r0; r < r1; ++r) {
    long rem = r, oa = 0, ob = 0;
    for (int d = last - 1; d >= 0; --d) {
      long i = rem % l.shape[d];
      rem /= l.shape[d];
      oa += i * l.sa[d];
      ob += i * l.sb[d];
    }
    const float *pa = a + oa, *pb = b + ob;
    T* po = out + r * n;
    if (ia == 1 && ib == 1) for (long j = 0; j < n; ++j) po[j] = apply<O>(pa[j], pb[j]);
    else if (ia == 1 && ib == 0) { float y = *pb; for (long j = 0; j < n; ++j) po[j] = apply<O>(pa[j], y); }
    else if (ia == 0 && ib == 1) { float x = *pa; for (long j = 0; j < n; ++j) po[j] = apply<O>(x, pb[j]); }
    else for (long j = 0; j < n; ++j) po[j] = apply<O>(pa[j * ia], pb[j * ib]);
  }
}

template <int O, typename T>
void binary(const Layout& l, const float* a, const float* b, T* out) {
  long n = l.shape[l.rank - 1], nrows = 1;
  for (int d = 0; d < l.rank - 1; ++d) nrows *= l.shape[d];
  long per = std::max(1L, kGrain / std::max(1L, n));
  long tasks = (nrows + per - 1) / per;
  run_tasks((size_t)tasks, [&](size_t t, int) { rows<O, T>(l, a, b, out, (long)t * per, std::min(nrows, ((long)t + 1) * per)); });
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  KernelCpu cpu;  // bench accounting (off by default)
  Opts o(info[0], "tfBinary");
  int op = o.choice("op", {"add", "sub", "mul", "div", "max", "min", "sqdiff", "gt", "ge", "lt", "le", "eq", "ne"});
  auto shape = o.typed<int32_t>("shape");
  auto sa = o.typed<int32_t>("aStrides");
  auto sb = o.typed<int32_t>("bStrides");
  if (shape.size > kMaxRank || sa.size != shape.size || sb.size != shape.size) fail("tfBinary: shape and strides must have the same rank <= 8");
  long total = 1, na = 1, nb = 1;
  for (size_t d = 0; d < shape.size; ++d) {
    if (shape[d] < 0 || sa[d] < 0 || sb[d] < 0) fail("tfBinary: negative dimension or stride");
    total *= shape[d];
    na += (long)(shape[d] - 1) * sa[d];  // last element reached + 1
    nb += (long)(shape[d] - 1) * sb[d];
  }
  auto a = o.typed<float>("a");
  auto b = o.typed<float>("b");
  if (total == 0) return info.Env().Undefined();
  if ((long)a.size < na || (long)b.size < nb) fail("tfBinary: an operand is smaller than its strides reach");
  Layout l = collapse(shape, sa, sb);
  if (op >= GT) {
    auto out = o.typed<uint8_t>("out");
    if ((long)out.size != total) fail("tfBinary.out: wrong length");
    switch (op) {
      case GT: binary<GT>(l, a.data, b.data, out.data); break;
      case GE: binary<GE>(l, a.data, b.data, out.data); break;
      case LT: binary<LT>(l, a.data, b.data, out.data); break;
      case LE: binary<LE>(l, a.data, b.data, out.data); break;
      case EQ: binary<EQ>(l, a.data, b.data, out.data); break;
      default: binary<NE>(l, a.data, b.data, out.data);
    }
  } else {
    float* out = floats(o, "out", (size_t)total);
    switch (op) {
      case ADD: binary<ADD>(l, a.data, b.data, out); break;
      case SUB: binary<SUB>(l, a.data, b.data, out); break;
      case MUL: binary<MUL>(l, a.data, b.data, out); break;
      case DIV: binary<DIV>(l, a.data, b.data, out); break;
      case MAX: binary<MAX>(l, a.data, b.data, out); break;
      case MIN: binary<MIN>(l, a.data, b.data, out); break;
      default: binary<SQDIFF>(l, a.data, b.data, out);
    }
  }
  return info.Env().Undefined();
}

enum UOp { RELU, STEP, SQRT, SQUARE, NEG, EXP, LOG, SIGMOID, ABS, RECIP, RSQRT };

template <int O> inline float unary(float x, float alpha) {
  if constexpr (O == RELU) return x != x ? x : (x > 0.f ? x : 0.f);
  else if constexpr (O == STEP) return x != x ? x : (x > 0.f ? 1.f : alpha);
  else if constexpr (O == SQRT) return std::sqrt(x);
  else if constexpr (O == SQUARE) return x * x;
  else if constexpr (O == NEG) return -x;
  else if constexpr (O == EXP) return (float)std::exp((double)x);
  else if constexpr (O == LOG) return (float)std::log((double)x);
  else if constexpr (O == SIGMOID) return (float)(1.0 / (1.0 + std::exp(-(double)x)));
  else if constexpr (O == ABS) return std::fabs(x);
  else if constexpr (O == RECIP) return (float)(1.0 / (double)x);
  else return (float)(1.0 / std::sqrt((double)x));
}

template <int O> void unary_all(const float* x, float* out, long n, float alpha) {
  long tasks = (n + kGrain - 1) / kGrain;
  run_tasks((size_t)tasks, [&](size_t t, int) {
    long s = (long)t * kGrain, e = std::min(n, s + kGrain);
    for (long i = s; i < e; ++i) out[i] = unary<O>(x[i], alpha);
  });
}

Napi::Value Unary(const Napi::CallbackInfo& info) {
  KernelCpu cpu;  // bench accounting (off by default)
  Opts o(info[0], "tfUnary");
  int op = o.choice("op", {"relu", "step", "sqrt", "square", "neg", "exp", "log", "sigmoid", "abs", "reciprocal", "rsqrt"});
  auto x = o.typed<float>("x");
  float* out = floats(o, "out", x.size);
  float alpha = (float)o.number("alpha", 0.0);
  long n = (long)x.size;
  switch (op) {
    case RELU: unary_all<RELU>(x.data, out, n, alpha); break;
    case STEP: unary_all<STEP>(x.data, out, n, alpha); break;
    case SQRT: unary_all<SQRT>(x.data, out, n, alpha); break;
    case SQUARE: unary_all<SQUARE>(x.data, out, n, alpha); break;
    case NEG: unary_all<NEG>(x.data, out, n, alpha); break;
    case EXP: unary_all<EXP>(x.data, out, n, alpha); break;
    case LOG: unary_all<LOG>(x.data, out, n, alpha); break;
    case SIGMOID: unary_all<SIGMOID>(x.data, out, n, alpha); break;
    case ABS: unary_all<ABS>(x.data, out, n, alpha); break;
    case RECIP: unary_all<RECIP>(x.data, out, n, alpha); break;
    default: unary_all<RSQRT>(x.data, out, n, alpha);
  }
  return info.Env().Undefined();
}

// Sum over the axes flagged in `reduce` (output = the kept axes in order), accumulated in double.
struct Red {
  int rank = 0;
  long n[kMaxRank], is[kMaxRank], os[kMaxRank];
};

void reduce_rec(const Red& r, int d, const float* in, double* acc) {
  if (d == r.rank - 1) {
    if (r.os[d] == 0) {
      double s = 0;
      for (long j = 0; j < r.n[d]; ++j) s += in[j];
      *acc += s;
    } else {
      for (long j = 0; j < r.n[d]; ++j) acc[j] += in[j];
    }
    return;
  }
  for (long j = 0; j < r.n[d]; ++j) reduce_rec(r, d + 1, in + j * r.is[d], acc + j * r.os[d]);
}

Napi::Value Sum(const Napi::CallbackInfo& info) {
  KernelCpu cpu;  // bench accounting (off by default)
  Opts o(info[0], "tfSum");
  auto shape = o.typed<int32_t>("shape");
  auto red = o.typed<uint8_t>("reduce");
  if (shape.size > kMaxRank || red.size != shape.size) fail("tfSum: shape and reduce flags must have the same rank <= 8");
  long total = 1, kept = 1;
  for (size_t d = 0; d < shape.size; ++d) {
    if (shape[d] < 0) fail("tfSum: negative dimension");
    total *= shape[d];
    if (!red[d]) kept *= shape[d];
  }
  auto x = o.typed<float>("x");
  if ((long)x.size != total) fail("tfSum.x: wrong length");
  float* out = floats(o, "out", (size_t)kept);
  std::vector<double> acc((size_t)kept, 0.0);
  if (total > 0) {
    // Collapse runs of dims with the same flag; strides are row-major in the input and over kept dims in the output.
    Red r;
    long ostride = 1;
    long is[kMaxRank], os[kMaxRank], istride = 1;
    for (int d = (int)shape.size - 1; d >= 0; --d) {
      is[d] = istride;
      istride *= shape[d];
      os[d] = red[d] ? 0 : ostride;
      if (!red[d]) ostride *= shape[d];
    }
    for (size_t d = 0; d < shape.size; ++d) {
      if (shape[d] == 1) continue;
      if (r.rank > 0 && (r.os[r.rank - 1] == 0) == (bool)red[d]) {
        r.n[r.rank - 1] *= shape[d];
        r.is[r.rank - 1] = is[d];
        r.os[r.rank - 1] = os[d];
        continue;
      }
      r.n[r.rank] = shape[d];
      r.is[r.rank] = is[d];
      r.os[r.rank] = os[d];
      ++r.rank;
    }
    if (r.rank == 0) acc[0] = x[0];
    else reduce_rec(r, 0, x.data, acc.data());
  }
  for (long i = 0; i < kept; ++i) out[i] = (float)acc[(size_t)i];
  return info.Env().Undefined();
}

// out = transpose(x, perm): out dim d walks x with x's stride of axis perm[d]; the innermost run is a tight loop.
void transpose_rec(int d, int rank, const long* n, const long* is, const float* in, float*& out) {
  if (d == rank - 1) {
    const long s = is[d];
    if (s == 1) { std::memcpy(out, in, sizeof(float) * n[d]); out += n[d]; }
    else for (long j = 0; j < n[d]; ++j) *out++ = in[j * s];
    return;
  }
  for (long j = 0; j < n[d]; ++j) transpose_rec(d + 1, rank, n, is, in + j * is[d], out);
}

Napi::Value Transpose(const Napi::CallbackInfo& info) {
  KernelCpu cpu;  // bench accounting (off by default)
  Opts o(info[0], "tfTranspose");
  auto shape = o.typed<int32_t>("shape");
  auto perm = o.typed<int32_t>("perm");
  const int rank = (int)shape.size;
  if (rank > kMaxRank || rank < 1 || perm.size != shape.size) fail("tfTranspose: shape and perm must have the same rank 1..8");
  long is[kMaxRank], n[kMaxRank], total = 1, stride = 1;
  bool seen[kMaxRank] = {};
  for (int d = rank - 1; d >= 0; --d) {
    if (shape[d] < 0) fail("tfTranspose: negative dimension");
    is[d] = stride;
    stride *= shape[d];
  }
  for (int d = 0; d < rank; ++d) {
    if (perm[d] < 0 || perm[d] >= rank || seen[perm[d]]) fail("tfTranspose.perm: not a permutation");
    seen[perm[d]] = true;
  }
  long ps[kMaxRank];
  for (int d = 0; d < rank; ++d) { n[d] = shape[perm[d]]; ps[d] = is[perm[d]]; total *= n[d]; }
  auto x = o.typed<float>("x");
  if ((long)x.size != total) fail("tfTranspose.x: wrong length");
  float* out = floats(o, "out", (size_t)total);
  if (total > 0) transpose_rec(0, rank, n, ps, x.data, out);
  return info.Env().Undefined();
}

JETLENS_EXPORT_GUARDED("tfTranspose", Transpose);
JETLENS_EXPORT_GUARDED("tfBinary", Binary);
JETLENS_EXPORT_GUARDED("tfUnary", Unary);
JETLENS_EXPORT_GUARDED("tfSum", Sum);

}  // namespace
}  // namespace jetlens::tf
