// MaxPool (NHWC) and its gradient. Ties and NaN follow tfjs's cpu backend: the first strictly larger value wins,
// padding never wins, and a window with no finite maximum passes no gradient.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "tf/args.h"
#include "tf/pool.h"

namespace jetlens::tf {
namespace {

struct Pool2 {
  int N, H, W, C, fh, fw, sh, sw, pt, pl, Ho, Wo;
};

// dims = [N, H, W, C, fh, fw, sh, sw, pt, pl, Ho, Wo]
Pool2 pool_of(const Opts& o) {
  auto d = dims(o, "dims", 12, 0, 1 << 24);
  Pool2 p{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11]};
  if (p.fh < 1 || p.fw < 1 || p.sh < 1 || p.sw < 1) fail(o.where("dims") + ": window and strides must be >= 1");
  if ((double)p.N * p.H * p.W * p.C > 2e9) fail(o.where("dims") + ": tensor too large");
  return p;
}

// For output pixel (n, oh, ow): the max over the window per channel and the flat input index of the winner (-1).
void window_max(const Pool2& p, const float* x, int n, int oh, int ow, float* best, long* pos) {
  std::fill(best, best + p.C, -std::numeric_limits<float>::infinity());
  std::fill(pos, pos + p.C, -1L);
  int h0 = std::max(0, oh * p.sh - p.pt), h1 = std::min(p.H, oh * p.sh - p.pt + p.fh);
  int w0 = std::max(0, ow * p.sw - p.pl), w1 = std::min(p.W, ow * p.sw - p.pl + p.fw);
  for (int ih = h0; ih < h1; ++ih)
    for (int iw = w0; iw < w1; ++iw) {
      long base = (((long)n * p.H + ih) * p.W + iw) * p.C;
      const float* v = x + base;
      for (int c = 0; c < p.C; ++c)
        if (v[c] > best[c]) {
          best[c] = v[c];
          pos[c] = base + c;
        }
    }
}

Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  KernelCpu cpu;  // bench accounting (off by default)
  Opts o(info[0], "tfMaxPool");
  Pool2 p = pool_of(o);
  const float* x = floats(o, "x", (size_t)p.N * p.H * p.W * p.C);
  float* out = floats(o, "out", (size_t)p.N * p.Ho * p.Wo * p.C);
  const double work = (double)p.N * p.Ho * p.Wo * p.C * p.fh * p.fw;  // comparisons
  run_tasks((size_t)p.N * p.Ho, work, [&](size_t t, int) {
    thread_local std::vector<long> pos;
    pos.resize((size_t)p.C);
    int n = (int)(t / p.Ho), oh = (int)(t % p.Ho);
    for (int ow = 0; ow < p.Wo; ++ow)
      window_max(p, x, n, oh, ow, out + (((long)n * p.Ho + oh) * p.Wo + ow) * p.C, pos.data());
  });
  return info.Env().Undefined();
}

Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  KernelCpu cpu;  // bench accounting (off by default)
  Opts o(info[0], "tfMaxPoolGrad");
  Pool2 p = pool_of(o);
  const float* x = floats(o, "x", (size_t)p.N * p.H * p.W * p.C);
  const float* dy = floats(o, "dy", (size_t)p.N * p.Ho * p.Wo * p.C);
  float* dx = floats(o, "out", (size_t)p.N * p.H * p.W * p.C);
  // One task per image: overlapping windows scatter into the same image only, so images never race.
  const double work = (double)p.N * p.Ho * p.Wo * p.C * p.fh * p.fw;
  run_tasks((size_t)p.N, work, [&](size_t n, int) {
    thread_local std::vector<float> best;
    thread_local std::vector<long> pos;
    best.resize((size_t)p.C);
    pos.resize((size_t)p.C);
    std::fill(dx + n * p.H * p.W * p.C, dx + (n + 1) * p.H * p.W * p.C, 0.f);
    for (int oh = 0; oh < p.Ho; ++oh)
      for (int ow = 0; ow < p.Wo; ++ow) {
        window_max(p, x, (int)n, oh, ow, best.data(), pos.data());
        const float* g = dy + (((long)n * p.Ho + oh) * p.Wo + ow) * p.C;
        for (int c = 0; c < p.C; ++c)
          if (pos[(size_t)c] >= 0) dx[pos[(size_t)c]] += g[c];
      }
  });
  return info.Env().Undefined();
}

JETLENS_EXPORT_GUARDED("tfMaxPool", MaxPool);
JETLENS_EXPORT_GUARDED("tfMaxPoolGrad", MaxPoolGrad);

}  // namespace
}  // namespace jetlens::tf
