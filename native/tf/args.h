// Argument reading shared by the tfjs kernels: integer dimension vectors and float32 buffers of checked length.
#pragma once
#include <string>

#include "common.h"

namespace jetlens::tf {

// Reads an Int32Array `key` of exactly n entries, each in [lo, hi].
inline Span<int32_t> dims(const Opts& o, const char* key, size_t n, int32_t lo, int32_t hi) {
  auto d = o.typed<int32_t>(key);
  if (d.size != n) fail(o.where(key) + ": expected " + std::to_string(n) + " entries, got " + std::to_string(d.size));
  for (size_t i = 0; i < n; ++i)
    if (d[i] < lo || d[i] > hi)
      fail(o.where(key) + "[" + std::to_string(i) + "] = " + std::to_string(d[i]) + " is outside [" + std::to_string(lo) +
           ", " + std::to_string(hi) + "]");
  return d;
}

// A Float32Array `key` that must hold exactly n floats (checked before any kernel touches memory).
inline float* floats(const Opts& o, const char* key, size_t n) {
  auto s = o.typed<float>(key);
  if (s.size != n) fail(o.where(key) + ": expected " + std::to_string(n) + " floats, got " + std::to_string(s.size));
  return s.data;
}

// Optional bias: absent -> nullptr; present -> length n or 1 (*len reports which).
inline const float* bias_of(const Opts& o, size_t n, size_t* len) {
  *len = 0;
  if (!o.has("bias")) return nullptr;
  auto s = o.typed<float>("bias");
  if (s.size != n && s.size != 1) fail(o.where("bias") + ": expected " + std::to_string(n) + " or 1 floats, got " + std::to_string(s.size));
  *len = s.size;
  return s.data;
}

// out[r, j] = act(out[r, j] + bias[j]) for rows [r0, r1) of a row-major (rows x n) matrix.
inline void epilogue(float* out, size_t r0, size_t r1, size_t n, const float* bias, size_t blen, bool relu) {
  if (!bias && !relu) return;
  for (size_t r = r0; r < r1; ++r) {
    float* row = out + r * n;
    if (bias) {
      if (blen == 1) for (size_t j = 0; j < n; ++j) row[j] += bias[0];
      else for (size_t j = 0; j < n; ++j) row[j] += bias[j];
    }
    if (relu)
      for (size_t j = 0; j < n; ++j) row[j] = row[j] > 0.f ? row[j] : (row[j] == row[j] ? 0.f : row[j]);  // NaN stays
  }
}

}  // namespace jetlens::tf
