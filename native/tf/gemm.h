// Single-precision GEMM for the tfjs kernels: packed panels, a 6x16 register-blocked micro-kernel (AVX2+FMA chosen
// at run time with __builtin_cpu_supports, so the addon still builds and runs without -march flags; a plain C++
// kernel otherwise), threads from tf/pool.h. Row-major C; A and B are strided views, so transposes cost nothing.
#pragma once
#include <cstddef>
#include <vector>

namespace jetlens::tf {

// Element (i, j) of a matrix is p[i * rs + j * cs]: a transpose swaps rs and cs.
struct View {
  const float* p;
  long rs, cs;
};

constexpr int kMR = 6, kNR = 16;

// B (K x N) packed into ceil(N / 16) panels of K x 16 floats (zero padded), ready for the micro-kernel.
struct PackedB {
  int K = 0, N = 0;
  std::vector<float> data;
  int panels() const { return (N + kNR - 1) / kNR; }
};
void pack_b(int K, int N, View B, PackedB& out);

// C (M x N, row stride ldc) = (acc ? C : 0) + A (M x K) * B, on the calling thread only.
void gemm_packed(int M, int N, int K, View A, const PackedB& B, float* C, long ldc, bool acc);

// The same with B unpacked, split over the pool's threads (M blocks, and N panels when M is small).
void sgemm(int M, int N, int K, View A, View B, float* C, long ldc, bool acc);

bool avx2_enabled();
void set_avx2(bool on);  // false forces the plain kernel (tests compare both paths); true only if the CPU has it

}  // namespace jetlens::tf
