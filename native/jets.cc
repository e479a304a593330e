// Small jet utilities; also the template for an op: validate arguments, then sync or async work.
#include "common.h"

namespace jetlens {
#ifdef JETLENS_CUDA
int cuda_device_count();
#endif

// jetScalarPt({offsets, pt, y, phi, out: Float64Array(N), threads?}) -> undefined. Sum of constituent pT per jet.
static Napi::Value JetScalarPt(const Napi::CallbackInfo& info) {
  Opts o(info[0], "jetScalarPt");
  JetView jets = jets_from(o);
  auto out = o.typed<double>("out");
  if (out.size != jets.n()) fail("jetScalarPt.out: expected length N = " + std::to_string(jets.n()));
  int threads = resolve_threads((int)o.integer("threads", 0, 256, 0));
  o.done();
  parallel_for(jets.n(), threads, [&](size_t j) {
    double s = 0;
    for (size_t i = jets.begin(j); i < jets.end(j); ++i) s += jets.pt[i];
    out[j] = s;
  }, 256);
  return info.Env().Undefined();
}
JETLENS_EXPORT_GUARDED("jetScalarPt", JetScalarPt);

// cudaDeviceCount() -> number of usable CUDA devices (0 when not compiled or no driver/GPU).
static Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
#ifdef JETLENS_CUDA
  return Napi::Number::New(info.Env(), cuda_device_count());
#else
  return Napi::Number::New(info.Env(), 0);
#endif
}
JETLENS_EXPORT_GUARDED("cudaDeviceCount", CudaDeviceCount);
}  // namespace jetlens
