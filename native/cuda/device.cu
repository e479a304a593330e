// CUDA runtime probe. Compiled only when nvcc is found; any CUDA error means "no device" (CPU fallback).
#include <cuda_runtime.h>

namespace jetlens {
int cuda_device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error so later probes start clean
    return 0;
  }
  return n;
}
}  // namespace jetlens
