// Fused Adam update for the tfjs backend: one call per variable instead of the 14 elementwise kernels (and 4
// scalar tensors) that tfjs's AdamOptimizer runs per variable. A dense network's training step was a third Adam
// bookkeeping: each of those tiny ops costs far more in dispatch than in arithmetic.
// Exactness: every step is one float32 operation (+, *, /, sqrt are correctly rounded), in the cpu backend's
// order, so the result equals the cpu backend's Adam bit for bit. Deliberately no target("fma") here: a fused
// multiply-add would round once instead of twice and break that.
#include <algorithm>
#include <cmath>

#include "tf/args.h"
#include "tf/pool.h"

namespace jetlens::tf {
namespace {

constexpr long kGrain = 1 << 15;  // elements per task: smaller updates are not worth waking a thread for

struct AdamConst {
  float beta1, beta2, one_minus_beta1, one_minus_beta2, bias1, bias2, eps, neg_lr;
};

void adam_range(const AdamConst& c, const float* value, const float* m, const float* v, const float* g, float* nv,
                float* nm, float* nvv, long s, long e) {
  for (long i = s; i < e; ++i) {
    float mi = m[i] * c.beta1 + g[i] * c.one_minus_beta1;  // each product and sum rounded to float32
    float gg = g[i] * g[i];
    float vi = v[i] * c.beta2 + gg * c.one_minus_beta2;
    float mh = mi / c.bias1, vh = vi / c.bias2;
    float denom = std::sqrt(vh) + c.eps;
    float step = (mh / denom) * c.neg_lr;
    nm[i] = mi;
    nvv[i] = vi;
    nv[i] = step + value[i];
  }
}

// tfAdam({value, m, v, grad, outValue, outM, outV, beta1, beta2, oneMinusBeta1, oneMinusBeta2, bias1, bias2, eps,
// negLr}): m' = beta1 m + (1-beta1) g; v' = beta2 v + (1-beta2) g^2; value' = value + negLr (m'/bias1) /
// (sqrt(v'/bias2) + eps), with bias_i = 1 - beta_i^t. The caller passes every constant already rounded to float32.
Napi::Value Adam(const Napi::CallbackInfo& info) {
  KernelCpu cpu;  // bench accounting (off by default)
  Opts o(info[0], "tfAdam");
  auto value = o.typed<float>("value");
  const size_t n = value.size;
  const float* m = floats(o, "m", n);
  const float* v = floats(o, "v", n);
  const float* g = floats(o, "grad", n);
  float* nv = floats(o, "outValue", n);
  float* nm = floats(o, "outM", n);
  float* nvv = floats(o, "outV", n);
  AdamConst c{(float)o.number("beta1"), (float)o.number("beta2"), (float)o.number("oneMinusBeta1"),
              (float)o.number("oneMinusBeta2"), (float)o.number("bias1"), (float)o.number("bias2"),
              (float)o.number("eps"), (float)o.number("negLr")};
  long tasks = ((long)n + kGrain - 1) / kGrain;
  run_tasks((size_t)tasks, [&](size_t t, int) {
    long s = (long)t * kGrain, e = std::min((long)n, s + kGrain);
    adam_range(c, value.data, m, v, g, nv, nm, nvv, s, e);
  });
  return info.Env().Undefined();
}

JETLENS_EXPORT_GUARDED("tfAdam", Adam);

}  // namespace
}  // namespace jetlens::tf
