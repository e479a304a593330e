// Module registration only: every op registers itself in its own file (JETLENS_EXPORT).
#include "common.h"

#ifdef JETLENS_CUDA
namespace jetlens { int cuda_device_count(); }
#endif

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  for (const auto& e : jetlens::registry()) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
#ifdef JETLENS_CUDA
  exports.Set("cudaCompiled", Napi::Boolean::New(env, true));
#else
  exports.Set("cudaCompiled", Napi::Boolean::New(env, false));
#endif
  exports.Set("hardwareThreads", Napi::Number::New(env, std::thread::hardware_concurrency()));
  return exports;
}

NODE_API_MODULE(jetlens, Init)
