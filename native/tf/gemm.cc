#include "tf/gemm.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "tf/pool.h"

namespace jetlens::tf {
namespace {

constexpr int kKC = 256;  // K block: a 6 x 256 A panel and a 256 x 16 B panel stay in L1/L2
constexpr int kMC = 96;   // M block (multiple of 6): the packed A block (96 x 256 floats) stays in L2

using Kernel = void (*)(int kc, const float* a, const float* b, float* c, long ldc, int mr, int nr, bool acc);

// Plain kernel: the compiler vectorises the inner loop with the baseline ISA (SSE2).
void kernel_plain(int kc, const float* a, const float* b, float* c, long ldc, int mr, int nr, bool acc) {
  float t[kMR][kNR] = {};
  for (int k = 0; k < kc; ++k, a += kMR, b += kNR)
    for (int i = 0; i < kMR; ++i)
      for (int j = 0; j < kNR; ++j) t[i][j] += a[i] * b[j];
  for (int i = 0; i < mr; ++i)
    for (int j = 0; j < nr; ++j) c[i * ldc + j] = acc ? c[i * ldc + j] + t[i][j] : t[i][j];
}

// AVX2+FMA kernel: 12 ymm accumulators (6 rows x 2 x 8 columns), one broadcast per row and k.
__attribute__((target("avx2,fma"))) void kernel_avx2(int kc, const float* a, const float* b, float* c, long ldc,
                                                     int mr, int nr, bool acc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int k = 0; k < kc; ++k, a += kMR, b += kNR) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8), x;
    x = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(a + 1); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(a + 2); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(a + 3); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
    x = _mm256_broadcast_ss(a + 4); c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
    x = _mm256_broadcast_ss(a + 5); c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
  }
  __m256 r[kMR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (mr == kMR && nr == kNR) {
    for (int i = 0; i < kMR; ++i) {
      float* ci = c + i * ldc;
      if (acc) {
        r[i][0] = _mm256_add_ps(r[i][0], _mm256_loadu_ps(ci));
        r[i][1] = _mm256_add_ps(r[i][1], _mm256_loadu_ps(ci + 8));
      }
      _mm256_storeu_ps(ci, r[i][0]);
      _mm256_storeu_ps(ci + 8, r[i][1]);
    }
    return;
  }
  alignas(32) float t[kMR][kNR];
  for (int i = 0; i < kMR; ++i) {
    _mm256_store_ps(t[i], r[i][0]);
    _mm256_store_ps(t[i] + 8, r[i][1]);
  }
  for (int i = 0; i < mr; ++i)
    for (int j = 0; j < nr; ++j) c[i * ldc + j] = acc ? c[i * ldc + j] + t[i][j] : t[i][j];
}

bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
bool g_avx2 = cpu_has_avx2();
Kernel kernel() { return g_avx2 ? kernel_avx2 : kernel_plain; }

// A block (mc x kc starting at row i0, column p0) into row panels of 6: ap[panel][k][r].
void pack_a(int mc, int kc, View A, long i0, long p0, float* ap) {
  for (int ip = 0; ip < mc; ip += kMR, ap += (long)kMR * kc) {
    int mr = std::min(kMR, mc - ip);
    const float* base = A.p + (i0 + ip) * A.rs + p0 * A.cs;
    if (A.cs == 1) {
      for (int r = 0; r < mr; ++r) {
        const float* src = base + r * A.rs;
        for (int k = 0; k < kc; ++k) ap[k * kMR + r] = src[k];
      }
    } else {
      for (int k = 0; k < kc; ++k)
        for (int r = 0; r < mr; ++r) ap[k * kMR + r] = base[r * A.rs + k * A.cs];
    }
    for (int r = mr; r < kMR; ++r)
      for (int k = 0; k < kc; ++k) ap[k * kMR + r] = 0.f;
  }
}

// Rows [i0, i0 + m) and B panels [q0, q1) of C.
void gemm_range(int m, int K, View A, long i0, const PackedB& B, int q0, int q1, float* C, long ldc, bool acc) {
  thread_local std::vector<float> abuf;
  abuf.resize((size_t)kMC * kKC);
  Kernel kern = kernel();
  for (int pc = 0; pc < K; pc += kKC) {
    int kc = std::min(kKC, K - pc);
    bool accum = acc || pc > 0;
    for (int ic = 0; ic < m; ic += kMC) {
      int mc = std::min(kMC, m - ic);
      pack_a(mc, kc, A, i0 + ic, pc, abuf.data());
      for (int q = q0; q < q1; ++q) {
        int nr = std::min(kNR, B.N - q * kNR);
        const float* bp = B.data.data() + (size_t)q * B.K * kNR + (size_t)pc * kNR;
        for (int ir = 0; ir < mc; ir += kMR) {
          int mr = std::min(kMR, mc - ir);
          kern(kc, abuf.data() + (size_t)ir * kc, bp, C + (i0 + ic + ir) * ldc + q * kNR, ldc, mr, nr, accum);
        }
      }
    }
  }
  if (K == 0 && !acc)  // an empty sum is zero
    for (int i = 0; i < m; ++i) std::fill(C + (i0 + i) * ldc + q0 * kNR, C + (i0 + i) * ldc + std::min(B.N, q1 * kNR), 0.f);
}

}  // namespace

void pack_b(int K, int N, View B, PackedB& out) {
  out.K = K;
  out.N = N;
  out.data.assign((size_t)out.panels() * K * kNR, 0.f);
  for (int q = 0; q < out.panels(); ++q) {
    int nr = std::min(kNR, N - q * kNR);
    float* dst = out.data.data() + (size_t)q * K * kNR;
    for (int k = 0; k < K; ++k) {
      const float* src = B.p + k * B.rs + (long)q * kNR * B.cs;
      if (B.cs == 1) std::memcpy(dst + k * kNR, src, sizeof(float) * nr);
      else for (int j = 0; j < nr; ++j) dst[k * kNR + j] = src[j * B.cs];
    }
  }
}

void gemm_packed(int M, int N, int K, View A, const PackedB& B, float* C, long ldc, bool acc) {
  (void)N;
  gemm_range(M, K, A, 0, B, 0, B.panels(), C, ldc, acc);
}

void sgemm(int M, int N, int K, View A, View B, float* C, long ldc, bool acc) {
  if (M <= 0 || N <= 0) return;
  PackedB pb;
  pack_b(K, N, B, pb);
  int t = threads();
  double flops = 2.0 * M * N * std::max(K, 1);
  if (t <= 1 || flops < kInlineWork) return gemm_packed(M, N, K, A, pb, C, ldc, acc);
  // Row chunks (multiples of 6) and, when there are too few rows for the threads, column panel groups.
  int mchunks = std::max(1, std::min((M + kMR - 1) / kMR, 4 * t));
  int rows = ((M + mchunks - 1) / mchunks + kMR - 1) / kMR * kMR;
  mchunks = (M + rows - 1) / rows;
  int ngroups = mchunks >= 2 * t ? 1 : std::min(pb.panels(), (2 * t + mchunks - 1) / mchunks);
  int per = (pb.panels() + ngroups - 1) / ngroups;
  ngroups = (pb.panels() + per - 1) / per;
  run_tasks((size_t)mchunks * ngroups, [&](size_t task, int) {
    int mi = (int)(task / ngroups), gi = (int)(task % ngroups);
    int i0 = mi * rows, m = std::min(rows, M - i0);
    int q0 = gi * per, q1 = std::min(pb.panels(), q0 + per);
    gemm_range(m, K, A, i0, pb, q0, q1, C, ldc, acc);
  });
}

bool avx2_enabled() { return g_avx2; }
void set_avx2(bool on) { g_avx2 = on && cpu_has_avx2(); }

}  // namespace jetlens::tf
