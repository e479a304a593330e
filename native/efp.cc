// Energy Flow Polynomials: executor of the variable-elimination programs built by src/efp/plan.ts.
// Per jet: z and the theta^w matrices are built once and shared by every graph of the program; each CONTRACT op
// is a loop nest whose innermost loop is a stride-1 axpy (vectorised; AVX2+FMA clone picked at run time);
// composite columns are products of connected results. Threads run over jets.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "common.h"
#include "kinematics.h"

namespace jetlens {
namespace {

constexpr int kVersion = 1, kContract = 1, kPermute = 2, kContractSym = 3, kMaxRank = 6;

struct Factor {
  int buf, rank;
  int levels[kMaxRank];
};
struct Op {
  int kind, out, r;
  bool sym = false;       // CONTRACT with a fully symmetric output: compute sorted index tuples only, mirror
  std::vector<Factor> f;  // CONTRACT
  int in = 0;             // PERMUTE
  int perm[kMaxRank] = {0};
};
struct Program {
  int W = 0;
  std::vector<int> bufRank;
  std::vector<Op> ops;
  std::vector<int> results;
  std::vector<std::vector<int>> cols;
};

// Parses and validates everything the executor later trusts (indices, ranks, innermost strides).
Program parse(const Span<int32_t>& p) {
  size_t i = 0;
  auto next = [&]() -> int {
    if (i >= p.size) fail("efp program: truncated");
    return p[i++];
  };
  auto check = [](bool ok, const char* what) { if (!ok) fail(std::string("efp program: ") + what); };
  Program g;
  check(next() == kVersion, "unknown version");
  g.W = next();
  check(g.W >= 0 && g.W <= 64, "bad theta power count");
  int nBuf = next();
  check(nBuf >= g.W + 1 && nBuf <= 1 << 20, "bad buffer count");
  for (int b = 0; b < nBuf; ++b) {
    int r = next();
    check(r >= 0 && r <= kMaxRank, "buffer rank out of range");
    g.bufRank.push_back(r);
  }
  check(g.bufRank[0] == 1, "buffer 0 must be z (rank 1)");
  for (int w = 1; w <= g.W; ++w) check(g.bufRank[w] == 2, "theta buffers must have rank 2");
  auto buf = [&](int b) { check(b >= 0 && b < nBuf, "buffer index out of range"); return b; };
  int nOps = next();
  check(nOps >= 0 && nOps <= 1 << 24, "bad op count");
  for (int k = 0; k < nOps; ++k) {
    Op op;
    op.kind = next();
    if (op.kind == kContractSym) {
      op.kind = kContract;
      op.sym = true;
    }
    if (op.kind == kContract) {
      op.out = buf(next());
      check(op.out > g.W, "an op may not overwrite z or theta");
      op.r = next();
      check(op.r >= 0 && op.r < kMaxRank && g.bufRank[op.out] == op.r, "contract rank mismatch");
      check(!op.sym || op.r == 2 || op.r == 3, "a symmetric contraction has rank 2 or 3");
      int nf = next();
      check(nf >= 1 && nf <= 64, "bad factor count");
      int inner = op.r;  // innermost loop level (summed level when r = 0)
      for (int f = 0; f < nf; ++f) {
        Factor fa;
        fa.buf = buf(next());
        check(fa.buf != op.out, "contract output aliases a factor");
        fa.rank = next();
        check(fa.rank == g.bufRank[fa.buf], "factor rank mismatch");
        for (int a = 0; a < fa.rank; ++a) {
          fa.levels[a] = next();
          check(fa.levels[a] >= 0 && fa.levels[a] <= op.r, "factor level out of range");
          for (int b = 0; b < a; ++b) check(fa.levels[b] != fa.levels[a], "repeated level in a factor");
          if (fa.levels[a] == inner) check(a == fa.rank - 1, "innermost level must be a factor's last axis");
        }
        if (op.r == 0) check(fa.rank == 1, "a scalar contraction takes vectors only");
        op.f.push_back(fa);
      }
      if (op.r > 0) {
        bool hasInner = false;
        for (const Factor& fa : op.f) hasInner = hasInner || (fa.rank > 0 && fa.levels[fa.rank - 1] == op.r);
        check(hasInner, "no factor carries the innermost axis");
      }
    } else if (op.kind == kPermute) {
      op.out = buf(next());
      check(op.out > g.W, "an op may not overwrite z or theta");
      op.in = buf(next());
      check(op.in != op.out, "permute in place");
      op.r = next();
      check(op.r >= 1 && op.r <= kMaxRank && g.bufRank[op.in] == op.r && g.bufRank[op.out] == op.r, "permute rank mismatch");
      int seen = 0;
      for (int a = 0; a < op.r; ++a) {
        op.perm[a] = next();
        check(op.perm[a] >= 0 && op.perm[a] < op.r && !(seen & (1 << op.perm[a])), "bad permutation");
        seen |= 1 << op.perm[a];
      }
    } else {
      fail("efp program: unknown op");
    }
    g.ops.push_back(std::move(op));
  }
  int nRes = next();
  check(nRes >= 0 && nRes <= 1 << 24, "bad result count");
  for (int k = 0; k < nRes; ++k) {
    int b = buf(next());
    check(g.bufRank[b] == 0, "results must be scalars");
    g.results.push_back(b);
  }
  int nCols = next();
  check(nCols >= 0 && nCols <= 1 << 24, "bad column count");
  for (int c = 0; c < nCols; ++c) {
    int nf = next();
    check(nf >= 1 && nf <= 64, "bad column factor count");
    std::vector<int> fs;
    for (int f = 0; f < nf; ++f) {
      int x = next();
      check(x >= 0 && x < nRes, "column factor out of range");
      fs.push_back(x);
    }
    g.cols.push_back(std::move(fs));
  }
  check(i == p.size, "trailing data");
  return g;
}

inline size_t ipow(size_t M, int r) {
  size_t s = 1;
  for (int k = 0; k < r; ++k) s *= M;
  return s;
}

#pragma GCC diagnostic ignored "-Wpsabi"  // v4 values never cross a call: the helpers are always_inline
// 4-wide double vectors (GCC vector extension): AVX2 in the x86-64-v3 clone, SSE pairs in the baseline one.
typedef double v4 __attribute__((vector_size(32)));
#define JL_INLINE __attribute__((always_inline)) inline
// The output row never aliases a factor (parse() refuses it): without this GCC versions every short row loop of
// contract() with runtime overlap checks, which cost more than the arithmetic at M = 50 (~200 instructions per 8 s).
#define JL_IVDEP _Pragma("GCC ivdep")
JL_INLINE v4 load4(const double* p) {
  v4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
JL_INLINE void store4(double* p, v4 v) { __builtin_memcpy(p, &v, sizeof v); }

// acc[k][v] = sum_t C[a0 + k, t] q[t, i + 4v ..], k < R: R x 4V accumulators held in registers for the whole t
// loop (a GEMM micro-kernel: per t, V loads of q and R broadcasts feed R V fused multiply-adds).
template <int R, int V>
JL_INLINE void gemmAccumulate(const double* __restrict C, const double* __restrict q, size_t st, size_t M, size_t a0, size_t i,
                              v4 (&acc)[R][V]) {
  for (int k = 0; k < R; ++k)
    for (int v = 0; v < V; ++v) acc[k][v] = v4{0, 0, 0, 0};
  const double* __restrict c = C + a0 * M;
  for (size_t t = 0; t < M; ++t) {
    const double* qt = q + t * st + i;
    v4 x[V];
    for (int v = 0; v < V; ++v) x[v] = load4(qt + 4 * v);
    for (int k = 0; k < R; ++k) {
      const double ck = c[k * M + t];
      for (int v = 0; v < V; ++v) acc[k][v] += ck * x[v];
    }
  }
}

// out[a0 + k, i .. i + 4V) = sum_t C[a0 + k, t] q[t, i ..], k < R.
template <int R, int V>
JL_INLINE void gemmBlock(const double* __restrict C, const double* __restrict q, size_t st, size_t M, double* __restrict out,
                         size_t a0, size_t i) {
  v4 acc[R][V];
  gemmAccumulate<R, V>(C, q, st, M, a0, i, acc);
  for (int k = 0; k < R; ++k)
    for (int v = 0; v < V; ++v) store4(out + (a0 + k) * M + i + 4 * v, acc[k][v]);
}

// Rows a0 .. a0 + R - 1, columns lo .. M - 1 (one row: 16 at a time first; then 8, then 4; a last partial group of
// 4 is recomputed overlapping the previous one, which rewrites the same values; fewer than 4 columns in all: scalar).
template <int R>
JL_INLINE void gemmRows(const double* __restrict C, const double* __restrict q, size_t st, size_t M, double* __restrict out,
                        size_t a0, size_t lo) {
  if (M - lo < 4) {
    for (int k = 0; k < R; ++k)
      for (size_t i = lo; i < M; ++i) {
        double s = 0;
        for (size_t t = 0; t < M; ++t) s += C[(a0 + k) * M + t] * q[t * st + i];
        out[(a0 + k) * M + i] = s;
      }
    return;
  }
  size_t i = lo;
  if (R == 1)
    for (; i + 16 <= M; i += 16) gemmBlock<1, 4>(C, q, st, M, out, a0, i);
  for (; i + 8 <= M; i += 8) gemmBlock<R, 2>(C, q, st, M, out, a0, i);
  if (i + 4 <= M) {
    gemmBlock<R, 1>(C, q, st, M, out, a0, i);
    i += 4;
  }
  if (i < M) gemmBlock<R, 1>(C, q, st, M, out, a0, M - 4);
}

// out[y, x] = out[x, y] for lo <= x < y < hi: the lower triangle of a diagonal block, copied from its upper one.
JL_INLINE void mirrorUpper(double* __restrict out, size_t M, size_t lo, size_t hi) {
  for (size_t y = lo + 1; y < hi; ++y)
    for (size_t x = lo; x < y; ++x) out[y * M + x] = out[x * M + y];
}

// Rows a0 .. a0 + 3, columns i .. i + 4V of a symmetric product, stored twice: as computed, and transposed into
// rows i .. i + 4V, columns a0 .. a0 + 3 (a 4 x 4 register transpose per group of 4 columns), so the lower triangle
// costs no strided pass. The group on the diagonal (i + 4v == a0) is mirrored element by element instead.
template <int V>
JL_INLINE void symBlock(const double* __restrict C, const double* __restrict q, size_t st, size_t M, double* __restrict out,
                        size_t a0, size_t i) {
  typedef long long m4 __attribute__((vector_size(32)));
  v4 acc[4][V];
  gemmAccumulate<4, V>(C, q, st, M, a0, i, acc);
  for (int v = 0; v < V; ++v) {
    const size_t col = i + 4 * v;
    for (int k = 0; k < 4; ++k) store4(out + (a0 + k) * M + col, acc[k][v]);
    if (col == a0) {
      mirrorUpper(out, M, a0, a0 + 4);
      continue;
    }
    const v4 t0 = __builtin_shuffle(acc[0][v], acc[1][v], m4{0, 4, 2, 6});
    const v4 t1 = __builtin_shuffle(acc[0][v], acc[1][v], m4{1, 5, 3, 7});
    const v4 t2 = __builtin_shuffle(acc[2][v], acc[3][v], m4{0, 4, 2, 6});
    const v4 t3 = __builtin_shuffle(acc[2][v], acc[3][v], m4{1, 5, 3, 7});
    store4(out + col * M + a0, __builtin_shuffle(t0, t2, m4{0, 1, 4, 5}));
    store4(out + (col + 1) * M + a0, __builtin_shuffle(t1, t3, m4{0, 1, 4, 5}));
    store4(out + (col + 2) * M + a0, __builtin_shuffle(t0, t2, m4{2, 3, 6, 7}));
    store4(out + (col + 3) * M + a0, __builtin_shuffle(t1, t3, m4{2, 3, 6, 7}));
  }
}

// A symmetric product (M >= 8): the upper triangle of the leading Mq x Mq block (Mq = M rounded down to a multiple of
// 4) in 4-row blocks that start on the diagonal (4 x 12 micro-kernels: 12 accumulators, 3 row loads and 4
// broadcasts per 12 fused multiply-adds), each block also written transposed; then the last M - Mq rows in
// full, mirrored into the last columns. Every element below the diagonal is a copy of its mirror image, as before.
JL_INLINE void symProduct(const double* __restrict C, const double* __restrict q, size_t st, size_t M, double* __restrict out) {
  const size_t Mq = M & ~size_t(3);
  for (size_t a0 = 0; a0 < Mq; a0 += 4) {
    size_t i = a0;
    for (; i + 12 <= Mq; i += 12) symBlock<3>(C, q, st, M, out, a0, i);
    if (i + 8 <= Mq) symBlock<2>(C, q, st, M, out, a0, i);
    else if (i < Mq) symBlock<1>(C, q, st, M, out, a0, i);
  }
  switch (M - Mq) {
    case 1: gemmRows<1>(C, q, st, M, out, Mq, 0); break;
    case 2: gemmRows<2>(C, q, st, M, out, Mq, 0); break;
    case 3: gemmRows<3>(C, q, st, M, out, Mq, 0); break;
    default: return;
  }
  for (size_t r = Mq; r < M; ++r)
    for (size_t x = 0; x < Mq; ++x) out[x * M + r] = out[r * M + x];
  mirrorUpper(out, M, Mq, M);
}

// The coefficient matrix of a matrix step: cmat[a, s] = product of the factors without the innermost axis. The
// usual z(s) theta(a, s) (two factors read along s with stride 1) is one pass per row; the branch is decided once
// per step, not per row (per-row set-up was ~7% of the step's instructions at M = 50).
JL_INLINE void coefficients(const Op& op, double* const* bufs, size_t M, double* __restrict cmat, const size_t (*fstr)[kMaxRank + 1],
                            const int* coefF, int nCo) {
  int k = 0;
  if (nCo >= 2 && fstr[coefF[0]][1] == 1 && fstr[coefF[1]][1] == 1) {
    const double* P0 = bufs[op.f[coefF[0]].buf];
    const double* P1 = bufs[op.f[coefF[1]].buf];
    const size_t s0 = fstr[coefF[0]][0], s1 = fstr[coefF[1]][0];
    for (size_t a = 0; a < M; ++a) {
      const double* __restrict p0 = P0 + a * s0;
      const double* __restrict p1 = P1 + a * s1;
      double* __restrict c = cmat + a * M;
      for (size_t t = 0; t < M; ++t) c[t] = p0[t] * p1[t];
    }
    k = 2;
  } else {
    std::fill(cmat, cmat + M * M, 1.0);
  }
  for (; k < nCo; ++k) {
    const int f = coefF[k];
    const double* P = bufs[op.f[f].buf];
    const size_t ps = fstr[f][1], as = fstr[f][0];
    for (size_t a = 0; a < M; ++a) {
      const double* __restrict p = P + a * as;
      double* __restrict c = cmat + a * M;
      if (ps == 1) {
        for (size_t t = 0; t < M; ++t) c[t] *= p[t];
      } else {
        for (size_t t = 0; t < M; ++t) c[t] *= p[t * ps];
      }
    }
  }
}

// The most common step, r = 2 with one inner factor B(s, b) that does not depend on the row a:
//   out[a, :] = sum_s c_a[s] B[s, :]   (a matrix product with the row scalings folded into c_a)
// The coefficients c_a[s] go into an M x M matrix first, then a register-blocked product (4 rows x 8 columns per
// micro-kernel; a symmetric output: symProduct).
__attribute__((target_clones("arch=x86-64-v3", "default")))
void matrixStep(const Op& op, double* const* bufs, size_t M, double* __restrict cmat, const size_t (*fstr)[kMaxRank + 1],
                const int* coefF, int nCo, int fq) {
  double* __restrict out = bufs[op.out];
  const double* q = bufs[op.f[fq].buf];
  const size_t st = fstr[fq][1];
  coefficients(op, bufs, M, cmat, fstr, coefF, nCo);
  if (op.sym && M >= 8) return symProduct(cmat, q, st, M, out);
  size_t a = 0;
  for (; a + 4 <= M; a += 4) gemmRows<4>(cmat, q, st, M, out, a, op.sym ? a : 0);
  for (; a < M; ++a) gemmRows<1>(cmat, q, st, M, out, a, op.sym ? a : 0);
  if (op.sym) mirrorUpper(out, M, 0, M);
}

// sum_i prod_{k<NF} f_k[i] with four partial sums (vectorised; the order of the adds is fixed, so deterministic).
template <int NF>
JL_INLINE double dotN(const double* const* f, size_t M) {
  double s[4] = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= M; i += 4)
    for (int l = 0; l < 4; ++l) {
      double p = f[0][i + l];
      for (int k = 1; k < NF; ++k) p *= f[k][i + l];
      s[l] += p;
    }
  for (; i < M; ++i) {
    double p = f[0][i];
    for (int k = 1; k < NF; ++k) p *= f[k][i];
    s[0] += p;
  }
  return (s[0] + s[1]) + (s[2] + s[3]);
}

// A rank-0 CONTRACT: sum_i prod_k f_k[i] over its vector factors. Up to 4 factors unrolled; more are multiplied
// into the scratch row w first.
JL_INLINE double dotProduct(const Op& op, double* const* bufs, size_t M, double* __restrict w) {
  const int nf = (int)op.f.size();
  const double* f[64];
  for (int k = 0; k < nf; ++k) f[k] = bufs[op.f[k].buf];
  switch (nf) {
    case 1: return dotN<1>(f, M);
    case 2: return dotN<2>(f, M);
    case 3: return dotN<3>(f, M);
    case 4: return dotN<4>(f, M);
    default: break;
  }
  for (size_t i = 0; i < M; ++i) w[i] = f[0][i] * f[1][i];
  for (int k = 2; k < nf - 1; ++k)
    for (size_t i = 0; i < M; ++i) w[i] *= f[k][i];
  const double* g[2] = {w, f[nf - 1]};
  return dotN<2>(g, M);
}

// The one hot loop nest. Every factor of a CONTRACT contains the summed vertex s, so for r >= 1 the output row
// o = out[o_0..o_{r-2}, :] is fixed while s runs: per outer index we form c[s] = prod(factors without the
// innermost axis) and accumulate o[:] += c[s] * prod(inner factors)[s, :] (one inner factor: a row times a
// matrix, 16 columns summed over s in registers; two or three: unrolled over s by 4 to cut the loads/stores of o).
// target_clones: an AVX2+FMA version and a baseline one, chosen at load time.
__attribute__((target_clones("arch=x86-64-v3", "default")))
void contract(const Op& op, double* const* bufs, size_t M, double* __restrict cvec) {
  const int r = op.r;
  double* __restrict out = bufs[op.out];
  const int nf = (int)op.f.size();
  if (r == 0) {  // all factors are vectors over s: a dot product with the factor pointers hoisted
    out[0] = dotProduct(op, bufs, M, cvec + M);
    return;
  }
  const int sumLevel = r - 1, nOuter = r - 1;  // outer levels 0..r-2 are output axes 0..r-2
  size_t fstr[64][kMaxRank + 1];
  size_t off[64];  // only the first nf are used: a full = {0} was a 512-byte rep stos on every op
  std::fill(off, off + nf, size_t(0));
  int innerF[64], coefF[64], nIn = 0, nCo = 0;
  for (int f = 0; f < nf; ++f) {
    std::fill(fstr[f], fstr[f] + kMaxRank + 1, 0);
    const Factor& fa = op.f[f];
    for (int a = 0; a < fa.rank; ++a) fstr[f][fa.levels[a]] += ipow(M, fa.rank - 1 - a);
    if (fstr[f][r]) innerF[nIn++] = f; else coefF[nCo++] = f;
  }
  if (r == 2 && nIn == 1 && fstr[innerF[0]][0] == 0) {
    matrixStep(op, bufs, M, cvec + M, fstr, coefF, nCo, innerF[0]);  // writes every element of out
    return;
  }
  std::fill(out, out + ipow(M, r), 0.0);
  size_t idx[kMaxRank + 1] = {0};
  size_t offO = 0;
  const size_t nIter = ipow(M, nOuter);
  for (size_t it = 0; it < nIter; ++it) {
    // symmetric output: only non-decreasing index tuples (outer ones here, the inner one via lo)
    bool skip = false;
    if (op.sym)
      for (int l = 1; l < nOuter; ++l) skip = skip || idx[l] < idx[l - 1];
    if (!skip) {
    // c[s] = product of the factors without the innermost axis
    for (size_t t = 0; t < M; ++t) cvec[t] = 1;
    for (int k = 0; k < nCo; ++k) {
      const int f = coefF[k];
      const double* __restrict p = bufs[op.f[f].buf] + off[f];
      const size_t st = fstr[f][sumLevel];
      for (size_t t = 0; t < M; ++t) cvec[t] *= p[t * st];
    }
    // symmetric output: only columns i >= row index (the row is the single outer index), mirrored below
    const size_t lo = op.sym ? idx[nOuter - 1] : 0;
    double* __restrict o = out + offO;
    if (nIn == 1) {  // o[i] = sum_s c[s] q[s, i]: 16 columns at a time summed over s in registers, o written once
      const int f = innerF[0];
      gemmRows<1>(cvec, bufs[op.f[f].buf] + off[f], fstr[f][sumLevel], M, o, 0, lo);
    } else if (nIn == 2) {  // o[:] += sum_s c[s] a[s, :] b[s, :], four s per pass over o
      const double* A = bufs[op.f[innerF[0]].buf] + off[innerF[0]];
      const double* B = bufs[op.f[innerF[1]].buf] + off[innerF[1]];
      const size_t sa = fstr[innerF[0]][sumLevel], sb = fstr[innerF[1]][sumLevel];
      size_t t = 0;
      for (; t + 4 <= M; t += 4) {
        const double c0 = cvec[t], c1 = cvec[t + 1], c2 = cvec[t + 2], c3 = cvec[t + 3];
        const double* __restrict a0 = A + t * sa;
        const double* __restrict a1 = a0 + sa;
        const double* __restrict a2 = a1 + sa;
        const double* __restrict a3 = a2 + sa;
        const double* __restrict b0 = B + t * sb;
        const double* __restrict b1 = b0 + sb;
        const double* __restrict b2 = b1 + sb;
        const double* __restrict b3 = b2 + sb;
        JL_IVDEP for (size_t i = lo; i < M; ++i)
          o[i] += (c0 * a0[i] * b0[i] + c1 * a1[i] * b1[i]) + (c2 * a2[i] * b2[i] + c3 * a3[i] * b3[i]);
      }
      for (; t < M; ++t) {
        const double c = cvec[t];
        const double* __restrict a = A + t * sa;
        const double* __restrict b = B + t * sb;
        JL_IVDEP for (size_t i = lo; i < M; ++i) o[i] += c * a[i] * b[i];
      }
    } else if (nIn == 3) {  // o[:] += sum_s c[s] a[s, :] b[s, :] d[s, :], four s per pass over o (no w row: ~3x fewer instructions)
      const double* A = bufs[op.f[innerF[0]].buf] + off[innerF[0]];
      const double* B = bufs[op.f[innerF[1]].buf] + off[innerF[1]];
      const double* D = bufs[op.f[innerF[2]].buf] + off[innerF[2]];
      const size_t sa = fstr[innerF[0]][sumLevel], sb = fstr[innerF[1]][sumLevel], sd = fstr[innerF[2]][sumLevel];
      size_t t = 0;
      for (; t + 4 <= M; t += 4) {
        const double c0 = cvec[t], c1 = cvec[t + 1], c2 = cvec[t + 2], c3 = cvec[t + 3];
        const double* __restrict a0 = A + t * sa;
        const double* __restrict b0 = B + t * sb;
        const double* __restrict d0 = D + t * sd;
        JL_IVDEP for (size_t i = lo; i < M; ++i)
          o[i] += (c0 * a0[i] * b0[i] * d0[i] + c1 * a0[sa + i] * b0[sb + i] * d0[sd + i]) +
                  (c2 * a0[2 * sa + i] * b0[2 * sb + i] * d0[2 * sd + i] + c3 * a0[3 * sa + i] * b0[3 * sb + i] * d0[3 * sd + i]);
      }
      for (; t < M; ++t) {
        const double c = cvec[t];
        const double* __restrict a = A + t * sa;
        const double* __restrict b = B + t * sb;
        const double* __restrict d = D + t * sd;
        JL_IVDEP for (size_t i = lo; i < M; ++i) o[i] += c * a[i] * b[i] * d[i];
      }
    } else {  // four or more inner factors: their product row (times c[s]) in w, then added
      double* __restrict w = cvec + M;
      for (size_t t = 0; t < M; ++t) {
        const double c = cvec[t];
        const double* __restrict a = bufs[op.f[innerF[0]].buf] + off[innerF[0]] + t * fstr[innerF[0]][sumLevel];
        JL_IVDEP for (size_t i = lo; i < M; ++i) w[i] = c * a[i];
        for (int k = 1; k < nIn; ++k) {
          const double* __restrict b = bufs[op.f[innerF[k]].buf] + off[innerF[k]] + t * fstr[innerF[k]][sumLevel];
          JL_IVDEP for (size_t i = lo; i < M; ++i) w[i] *= b[i];
        }
        JL_IVDEP for (size_t i = lo; i < M; ++i) o[i] += w[i];
      }
    }
    }
    // odometer over the outer output axes, offsets updated incrementally
    for (int l = nOuter - 1; l >= 0; --l) {
      offO += ipow(M, r - 1 - l);
      for (int f = 0; f < nf; ++f) off[f] += fstr[f][l];
      if (++idx[l] < M) break;
      idx[l] = 0;
      offO -= ipow(M, r - 1 - l) * M;
      for (int f = 0; f < nf; ++f) off[f] -= fstr[f][l] * M;
    }
  }
  if (op.sym && r == 2) {
    for (size_t a = 1; a < M; ++a)
      for (size_t b = 0; b < a; ++b) out[a * M + b] = out[b * M + a];
  } else if (op.sym && r == 3) {
    for (size_t a = 0; a < M; ++a)
      for (size_t b = 0; b < M; ++b)
        for (size_t c = 0; c < M; ++c) {
          size_t x = a, y = b, z = c;
          if (x > y) std::swap(x, y);
          if (y > z) std::swap(y, z);
          if (x > y) std::swap(x, y);
          if (x != a || y != b) out[(a * M + b) * M + c] = out[(x * M + y) * M + z];
        }
  }
}

void permute(const Op& op, double* const* bufs, size_t M) {
  const int r = op.r;
  const double* src = bufs[op.in];
  double* dst = bufs[op.out];
  size_t istr[kMaxRank];
  for (int a = 0; a < r; ++a) istr[a] = ipow(M, r - 1 - a);
  size_t idx[kMaxRank] = {0};
  const size_t n = ipow(M, r);
  for (size_t k = 0; k < n; ++k) {
    size_t s = 0;
    for (int a = 0; a < r; ++a) s += idx[a] * istr[op.perm[a]];
    dst[k] = src[s];
    for (int a = r - 1; a >= 0; --a) {
      if (++idx[a] < M) break;
      idx[a] = 0;
    }
  }
}

struct MeasureCfg {
  int code;  // 0 hadr, 1 hadrdot, 2 ee
  double kappa, beta;
  bool normed, pf;
};

inline double powHalfBeta(double d2, double beta) {
  if (beta == 2) return d2;
  if (beta == 1) return std::sqrt(d2);
  if (beta == 0.5) return std::sqrt(std::sqrt(d2));
  if (beta == 4) return d2 * d2;
  return std::pow(d2, beta / 2);
}

// theta for 'hadr' when every |phi| <= pi (so |Delta phi| < 2 pi and one conditional 2 pi - |Delta phi| wraps it, bit
// for bit what delta_r2's wrap gives): the full matrix in branch-free row loops the compiler vectorises (sqrt
// included), instead of the triangle with mirrored, strided writes. Returns false (nothing written) otherwise.
__attribute__((target_clones("arch=x86-64-v3", "default")))
bool hadrTheta(const double* __restrict y, const double* __restrict phi, size_t M, double beta, double* __restrict theta) {
  for (size_t i = 0; i < M; ++i)
    if (!(std::fabs(phi[i]) <= kPi)) return false;
  for (size_t i = 0; i < M; ++i) {
    double* __restrict row = theta + i * M;
    const double yi = y[i], pi = phi[i];
    if (M >= 4) {  // explicit 4-wide rows (GCC left the wrap as a branch, scalar); the last group overlaps
      const v4 Y = v4{yi, yi, yi, yi}, P = v4{pi, pi, pi, pi};
      for (size_t j = 0;; j += 4) {
        if (j + 4 > M) j = M - 4;
        const v4 dy = Y - load4(y + j), d = P - load4(phi + j);
        const v4 ad = d < 0 ? -d : d;
        const v4 dp = ad > kPi ? kTwoPi - ad : ad;
        store4(row + j, dy * dy + dp * dp);
        if (j + 4 == M) break;
      }
    } else {
      for (size_t j = 0; j < M; ++j) {
        const double dy = yi - y[j], ad = std::fabs(pi - phi[j]);
        const double dp = ad > kPi ? kTwoPi - ad : ad;
        row[j] = dy * dy + dp * dp;
      }
    }
    if (beta == 1) {
      for (size_t j = 0; j < M; ++j) row[j] = std::sqrt(row[j]);
    } else if (beta != 2) {
      for (size_t j = 0; j < M; ++j) row[j] = powHalfBeta(row[j], beta);
    }
  }
  return true;
}

// z and theta^1 (base angle with the beta power) of one jet; mirrors src/efp/measure.ts.
void measure(const MeasureCfg& m, const double* pt, const double* y, const double* phi, size_t M, double* z, double* theta,
             std::vector<double>& tmp) {
  if (tmp.size() < 4 * M) tmp.resize(4 * M);  // grow only: a resize that grows zero-fills (see runJet)
  double* E = tmp.data();
  double *nx = E + M, *ny = nx + M, *nz = ny + M;
  for (size_t i = 0; i < M; ++i) {
    E[i] = m.code == 2 ? pt[i] * std::cosh(y[i]) : pt[i];
    if (m.code == 2) {
      double ci = 1 / std::cosh(y[i]);
      nx[i] = std::cos(phi[i]) * ci;
      ny[i] = std::sin(phi[i]) * ci;
      nz[i] = std::tanh(y[i]);
    }
  }
  if (m.pf) {
    std::fill(z, z + M, 1.0);
  } else {
    double total = 1;
    if (m.normed) {
      total = 0;
      for (size_t i = 0; i < M; ++i) total += E[i];
    }
    if (m.kappa == 1) {
      for (size_t i = 0; i < M; ++i) z[i] = E[i] / total;  // = pow(x, 1) exactly
    } else {
      for (size_t i = 0; i < M; ++i) z[i] = std::pow(E[i] / total, m.kappa);
    }
  }
  if (m.code == 0 && !m.pf && hadrTheta(y, phi, M, m.beta, theta)) return;
  for (size_t i = 0; i < M; ++i) {
    theta[i * M + i] = 0;
    for (size_t j = 0; j < i; ++j) {
      double d2;
      if (m.code == 0) {
        d2 = delta_r2(y[i], phi[i], y[j], phi[j]);  // wrapped for any |Delta phi| (JetBatch allows |phi| <= 3 pi)
      } else if (m.code == 1) {
        double a = 2 * std::sinh((y[i] - y[j]) / 2), b = 2 * std::sin((phi[i] - phi[j]) / 2);
        d2 = a * a + b * b;
      } else {
        double a = nx[i] - nx[j], b = ny[i] - ny[j], c = nz[i] - nz[j];
        d2 = a * a + b * b + c * c;
      }
      if (m.pf) d2 *= E[i] * E[j];
      theta[i * M + j] = theta[j * M + i] = powHalfBeta(d2, m.beta);
    }
  }
}

// theta^w = theta^(w-1) * theta elementwise for w = 2..W (bufs[w], n elements each), in one pass over theta: the
// same products as W - 1 separate passes, with a third of the memory traffic. A clone of its own: runJet is
// compiled for the baseline ISA.
__attribute__((target_clones("arch=x86-64-v3", "default")))
void thetaPowers(double* const* bufs, int W, size_t n) {
  const double* __restrict t = bufs[1];
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const v4 x = load4(t + k);
    v4 p = x;
    for (int w = 2; w <= W; ++w) {
      p = p * x;
      store4(bufs[w] + k, p);
    }
  }
  for (; k < n; ++k) {
    double p = t[k];
    for (int w = 2; w <= W; ++w) bufs[w][k] = p = p * t[k];
  }
}

size_t arenaSize(const Program& g, size_t M) {
  size_t s = 0;
  for (int r : g.bufRank) s += ipow(M, r);
  return s;
}

// One jet: buffers from a per-thread arena, then the ops, then the columns.
void runJet(const Program& g, const MeasureCfg& m, const JetView& jets, size_t j, double* out, const Control& ctl) {
  thread_local std::vector<double> arena, tmp;
  thread_local std::vector<double*> bufs;
  const size_t M = jets.end(j) - jets.begin(j);
  const size_t K = g.cols.size();
  if (M == 0) {
    std::fill(out, out + K, 0.0);
    return;
  }
  arena.resize(arenaSize(g, M));
  bufs.resize(g.bufRank.size());
  double* p = arena.data();
  for (size_t b = 0; b < g.bufRank.size(); ++b) {
    bufs[b] = p;
    p += ipow(M, g.bufRank[b]);
  }
  size_t s = jets.begin(j);
  measure(m, &jets.pt[s], &jets.y[s], &jets.phi[s], M, bufs[0], g.W >= 1 ? bufs[1] : arena.data(), tmp);
  // contract's coefficient vector (M) and matrixStep's coefficient matrix (M x M). Grow only: shrinking in measure()
  // and growing back here zero-filled M^2 doubles per jet (~19k instructions, 6% of a d<=5 jet at M = 50).
  if (tmp.size() < M * M + M) tmp.resize(M * M + M);
  ctl.check();
  thetaPowers(bufs.data(), g.W, M * M);
  for (const Op& op : g.ops) {
    ctl.check();  // one op is at most O(M^(c+1)): a huge jet is cancelled between its ops, not only between jets
    if (op.kind == kContract) contract(op, bufs.data(), M, tmp.data());
    else permute(op, bufs.data(), M);
  }
  for (size_t c = 0; c < K; ++c) {
    double v = 1;
    for (int f : g.cols[c]) v *= bufs[g.results[f]][0];
    out[c] = v;
  }
}

// efpCompute({offsets, pt, y, phi, program: Int32Array, measure: 'hadr'|'hadrdot'|'ee', kappa: number | 'pf', beta,
//             normed: boolean, out: Float64Array(N*K), threads?, control?}) -> Promise<undefined>
Napi::Value EfpCompute(const Napi::CallbackInfo& info) {
  Opts o(info[0], "efpCompute");
  JetView jets = jets_from(o);
  auto prog = o.typed<int32_t>("program");
  auto out = o.typed<double>("out");
  auto g = std::make_shared<Program>(parse(prog));
  MeasureCfg m{o.choice("measure", {"hadr", "hadrdot", "ee"}), 0, 0, false, false};
  if (o.raw("kappa").IsString()) {
    if (o.string("kappa") != "pf") fail("efpCompute.kappa: expected a finite number or 'pf'");
    m.pf = true;
  } else {
    m.kappa = o.number("kappa");
    if (!std::isfinite(m.kappa)) fail("efpCompute.kappa: expected a finite number or 'pf'");
  }
  m.beta = o.number("beta");
  if (!(m.beta > 0 && std::isfinite(m.beta))) fail("efpCompute.beta: expected a finite number > 0");
  m.normed = o.boolean("normed");
  int threads = resolve_threads((int)o.integer("threads", 0, 256, 0));
  Control control = control_from(o.raw("control"));
  o.done();
  const size_t N = jets.n(), K = g->cols.size();
  if (out.size != N * K) fail("efpCompute.out: expected length N*K = " + std::to_string(N * K));
  size_t maxM = 0;
  for (size_t j = 0; j < N; ++j) maxM = std::max<size_t>(maxM, jets.end(j) - jets.begin(j));
  double bytes = 0;
  for (int r : g->bufRank) bytes += std::pow((double)maxM, r) * 8;
  bytes += ((double)maxM * maxM + 5.0 * maxM) * 8;  // runJet's tmp (coefficient matrix, measure scratch)
  check_scratch(bytes * (double)std::min<size_t>((size_t)std::max(1, threads), std::max<size_t>(N, 1)),
                "efp: the largest jet (" + std::to_string(maxM) + " particles) with these graphs' buffers");
  return run_async(info.Env(), o.keep(), [=]() -> std::string {
    parallel_for(N, threads, [&](size_t j) {
      if (control.cancelled()) return;
      runJet(*g, m, jets, j, out.data + j * K, control);
      control.add_done(1);
    }, 16, "jet");
    return "";
  }, [](Napi::Env env) { return env.Undefined(); });
}
JETLENS_EXPORT_GUARDED("efpCompute", EfpCompute);

}  // namespace
}  // namespace jetlens
