// BatchMatMul / _FusedMatMul: out[b] = act(op(A[b]) op(B[b]) + bias), batch dims already flattened by the caller
// (a batch stride of 0 broadcasts one matrix). Small matrices run one batch entry per task; large ones split
// inside the GEMM. Also the pool configuration entry point.
#include <algorithm>

#include "tf/args.h"
#include "tf/gemm.h"
#include "tf/pool.h"

namespace jetlens::tf {
namespace {

Napi::Value MatMul(const Napi::CallbackInfo& info) {
  KernelCpu cpu;  // bench accounting (off by default)
  Opts o(info[0], "tfMatMul");
  // dims = [batch, M, N, K, aBatches, bBatches]: aBatches/bBatches are batch or 1 (broadcast)
  auto d = dims(o, "dims", 6, 0, 1 << 30);
  long batch = d[0], M = d[1], N = d[2], K = d[3], ab = d[4], bb = d[5];
  if ((ab != batch && ab != 1) || (bb != batch && bb != 1)) fail(o.where("dims") + ": batch counts must equal the batch or 1");
  bool ta = o.boolean("transposeA", false), tb = o.boolean("transposeB", false);
  const float* a = floats(o, "a", (size_t)(ab * M * K));
  const float* b = floats(o, "b", (size_t)(bb * K * N));
  float* out = floats(o, "out", (size_t)(batch * M * N));
  size_t blen;
  const float* bias = bias_of(o, (size_t)N, &blen);
  bool relu = o.boolean("relu", false);
  auto one = [&](long i, bool threaded) {
    const float* ai = a + (ab == 1 ? 0 : i * M * K);
    const float* bi = b + (bb == 1 ? 0 : i * K * N);
    View A = ta ? View{ai, 1, M} : View{ai, K, 1};  // stored (K x M) when transposed
    View B = tb ? View{bi, 1, K} : View{bi, N, 1};  // stored (N x K) when transposed
    float* c = out + i * M * N;
    if (threaded) sgemm((int)M, (int)N, (int)K, A, B, c, N, false);
    else {
      PackedB pb;
      pack_b((int)K, (int)N, B, pb);
      gemm_packed((int)M, (int)N, (int)K, A, pb, c, N, false);
    }
    epilogue(c, 0, (size_t)M, (size_t)N, bias, blen, relu);
  };
  const double flops = 2.0 * M * N * std::max(K, 1L);
  if (batch >= 2 * threads() || (batch > 1 && flops < 1e6))
    run_tasks((size_t)batch, flops * batch, [&](size_t i, int) { one((long)i, false); });
  else
    for (long i = 0; i < batch; ++i) one(i, true);
  return info.Env().Undefined();
}

// tfConfig({threads?, avx2?, cpuClock?}) -> {threads, avx2, cpuClock, cpuSeconds}: threads 0 = default
// (JETLENS_TF_THREADS or all cores); cpuClock turns the task CPU-time accounting on (reset) or off; cpuSeconds is
// the CPU time the kernels' tasks used on all threads since it was turned on.
Napi::Value Config(const Napi::CallbackInfo& info) {
  Opts o(info[0], "tfConfig");
  if (o.has("threads")) set_threads((int)o.integer("threads", 0, 64));
  if (o.has("avx2")) set_avx2(o.boolean("avx2", true));
  if (o.has("cpuClock")) set_cpu_clock(o.boolean("cpuClock", false));
  Napi::Object r = Napi::Object::New(info.Env());
  r.Set("threads", threads());
  r.Set("avx2", avx2_enabled());
  r.Set("cpuClock", cpu_clock_on());
  r.Set("cpuSeconds", cpu_clock_seconds());
  return r;
}

JETLENS_EXPORT_GUARDED("tfMatMul", MatMul);
JETLENS_EXPORT_GUARDED("tfConfig", Config);

}  // namespace
}  // namespace jetlens::tf
