// Conv2D (NHWC, filter [fh, fw, C, F]) and both gradients as implicit-im2col GEMMs: each task gathers a chunk of
// rows into a thread-local buffer and multiplies it with the packed filter, so no full im2col matrix is built.
//   forward:       out[(n,oh,ow), f]  = sum_{kh,kw,c} x[n, oh*sh-pt+kh*dh, ow*sw-pl+kw*dw, c] W[kh,kw,c,f]
//   input grad:    dx[(n,ih,iw), c]   = sum_{kh,kw,f} dy[n, oh, ow, f] W[kh,kw,c,f]  where oh*sh = ih+pt-kh*dh
//   filter grad:   dW[(kh,kw,c), f]   = sum_{n,oh,ow} x[...] dy[n,oh,ow,f]   (per-thread partial sums, then added)
#include <algorithm>
#include <cstring>
#include <vector>

#include "tf/args.h"
#include "tf/gemm.h"
#include "tf/pool.h"

namespace jetlens::tf {
namespace {

struct Conv {
  int N, H, W, C, fh, fw, F, Ho, Wo, sh, sw, pt, pl, dh, dw;
  long rows() const { return (long)N * Ho * Wo; }
  long K() const { return (long)fh * fw * C; }
};

// dims = [N, H, W, C, fh, fw, F, Ho, Wo, sh, sw, pt, pl, dh, dw], checked for consistency with the output size.
Conv conv_of(const Opts& o) {
  auto d = dims(o, "dims", 15, 0, 1 << 24);
  Conv c{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14]};
  if (c.fh < 1 || c.fw < 1 || c.sh < 1 || c.sw < 1 || c.dh < 1 || c.dw < 1) fail(o.where("dims") + ": filter, strides and dilations must be >= 1");
  if ((double)c.N * c.H * c.W * c.C > 2e9 || (double)c.rows() * c.K() > 1e12) fail(o.where("dims") + ": tensor too large");
  return c;
}

constexpr long kRows = 192;  // rows of the implicit im2col matrix per task (a multiple of the 6-row micro-tile)

// Row m = (n, oh, ow) of the im2col matrix of x: K = fh*fw*C values, zeros where the window leaves the image.
void im2col_rows(const Conv& c, const float* x, long m0, long m1, float* col) {
  const long K = c.K();
  for (long m = m0; m < m1; ++m, col += K) {
    long n = m / ((long)c.Ho * c.Wo), r = m % ((long)c.Ho * c.Wo);
    int oh = (int)(r / c.Wo), ow = (int)(r % c.Wo);
    float* dst = col;
    for (int kh = 0; kh < c.fh; ++kh) {
      int ih = oh * c.sh - c.pt + kh * c.dh;
      for (int kw = 0; kw < c.fw; ++kw, dst += c.C) {
        int iw = ow * c.sw - c.pl + kw * c.dw;
        if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) std::memset(dst, 0, sizeof(float) * c.C);
        else std::memcpy(dst, x + (((long)n * c.H + ih) * c.W + iw) * c.C, sizeof(float) * c.C);
      }
    }
  }
}

// Row m = (n, ih, iw) of the gathered dy matrix for the input gradient: K = fh*fw*F.
void dycol_rows(const Conv& c, const float* dy, long m0, long m1, float* col) {
  const long K = (long)c.fh * c.fw * c.F;
  for (long m = m0; m < m1; ++m, col += K) {
    long n = m / ((long)c.H * c.W), r = m % ((long)c.H * c.W);
    int ih = (int)(r / c.W), iw = (int)(r % c.W);
    float* dst = col;
    for (int kh = 0; kh < c.fh; ++kh) {
      int th = ih + c.pt - kh * c.dh;
      bool rowok = th >= 0 && th % c.sh == 0 && th / c.sh < c.Ho;
      for (int kw = 0; kw < c.fw; ++kw, dst += c.F) {
        int tw = iw + c.pl - kw * c.dw;
        if (!rowok || tw < 0 || tw % c.sw != 0 || tw / c.sw >= c.Wo) std::memset(dst, 0, sizeof(float) * c.F);
        else std::memcpy(dst, dy + (((long)n * c.Ho + th / c.sh) * c.Wo + tw / c.sw) * c.F, sizeof(float) * c.F);
      }
    }
  }
}

long chunks(long rows) { return (rows + kRows - 1) / kRows; }

Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  KernelCpu cpu;  // bench accounting (off by default)
  Opts o(info[0], "tfConv2d");
  Conv c = conv_of(o);
  const float* x = floats(o, "x", (size_t)c.N * c.H * c.W * c.C);
  const float* w = floats(o, "filter", (size_t)c.K() * c.F);
  float* out = floats(o, "out", (size_t)c.rows() * c.F);
  size_t blen;
  const float* bias = bias_of(o, c.F, &blen);
  bool relu = o.boolean("relu", false);
  PackedB pb;
  pack_b((int)c.K(), c.F, View{w, c.F, 1}, pb);
  const long M = c.rows(), K = c.K();
  run_tasks(chunks(M), 2.0 * M * K * c.F, [&](size_t t, int) {
    thread_local std::vector<float> col;
    long m0 = (long)t * kRows, m1 = std::min(M, m0 + kRows);
    col.resize((size_t)(m1 - m0) * K);
    im2col_rows(c, x, m0, m1, col.data());
    gemm_packed((int)(m1 - m0), c.F, (int)K, View{col.data(), K, 1}, pb, out + m0 * c.F, c.F, false);
    epilogue(out, m0, m1, c.F, bias, blen, relu);
  });
  return info.Env().Undefined();
}

Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) {
  KernelCpu cpu;  // bench accounting (off by default)
  Opts o(info[0], "tfConv2dBackpropInput");
  Conv c = conv_of(o);
  const float* dy = floats(o, "dy", (size_t)c.rows() * c.F);
  const float* w = floats(o, "filter", (size_t)c.K() * c.F);
  float* dx = floats(o, "out", (size_t)c.N * c.H * c.W * c.C);
  // B[(kh,kw,f), c] = W[kh,kw,c,f]: transpose each (C x F) tap of the filter.
  const long taps = (long)c.fh * c.fw, K = taps * c.F;
  std::vector<float> wt((size_t)K * c.C);
  for (long t = 0; t < taps; ++t)
    for (int ch = 0; ch < c.C; ++ch)
      for (int f = 0; f < c.F; ++f) wt[((size_t)t * c.F + f) * c.C + ch] = w[((size_t)t * c.C + ch) * c.F + f];
  PackedB pb;
  pack_b((int)K, c.C, View{wt.data(), c.C, 1}, pb);
  const long M = (long)c.N * c.H * c.W;
  run_tasks(chunks(M), 2.0 * M * K * c.C, [&](size_t t, int) {
    thread_local std::vector<float> col;
    long m0 = (long)t * kRows, m1 = std::min(M, m0 + kRows);
    col.resize((size_t)(m1 - m0) * K);
    dycol_rows(c, dy, m0, m1, col.data());
    gemm_packed((int)(m1 - m0), c.C, (int)K, View{col.data(), K, 1}, pb, dx + m0 * c.C, c.C, false);
  });
  return info.Env().Undefined();
}

Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) {
  KernelCpu cpu;  // bench accounting (off by default)
  Opts o(info[0], "tfConv2dBackpropFilter");
  Conv c = conv_of(o);
  const float* x = floats(o, "x", (size_t)c.N * c.H * c.W * c.C);
  const float* dy = floats(o, "dy", (size_t)c.rows() * c.F);
  float* dw = floats(o, "out", (size_t)c.K() * c.F);
  const long M = c.rows(), K = c.K(), KF = K * c.F;
  // Fixed groups of rows, each summed into its own K x F partial in row order, then the partials added in group
  // order: the result does not depend on the number of threads or on scheduling (deterministic training).
  const long per = 2 * kRows;
  const long nchunk = (M + per - 1) / per, groups = std::min<long>(8, nchunk);
  std::vector<float> part((size_t)groups * KF, 0.f);
  run_tasks(groups, 2.0 * M * KF, [&](size_t g, int) {
    thread_local std::vector<float> col;
    thread_local PackedB pdy;
    float* acc = part.data() + g * KF;
    for (long t = (long)g * nchunk / groups; t < ((long)g + 1) * nchunk / groups; ++t) {
      long m0 = t * per, m1 = std::min(M, m0 + per);
      col.resize((size_t)(m1 - m0) * K);
      im2col_rows(c, x, m0, m1, col.data());
      pack_b((int)(m1 - m0), c.F, View{dy + m0 * c.F, c.F, 1}, pdy);
      gemm_packed((int)K, c.F, (int)(m1 - m0), View{col.data(), 1, K}, pdy, acc, c.F, true);
    }
  });
  std::fill(dw, dw + KF, 0.f);
  for (long g = 0; g < groups; ++g)
    for (long i = 0; i < KF; ++i) dw[i] += part[(size_t)(g * KF + i)];
  return info.Env().Undefined();
}

JETLENS_EXPORT_GUARDED("tfConv2d", Conv2d);
JETLENS_EXPORT_GUARDED("tfConv2dBackpropInput", Conv2dBackpropInput);
JETLENS_EXPORT_GUARDED("tfConv2dBackpropFilter", Conv2dBackpropFilter);

}  // namespace
}  // namespace jetlens::tf
