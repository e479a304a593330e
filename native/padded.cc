// paddedToCsr: zero-padded (N, M, F) float64/float32 particles -> CSR JetBatch arrays, converted and validated in
// one pass over the input (issue #20.2: the TypeScript loops ran at about 30 MB/s). The checks are JetBatch's
// (src/jets/batch.ts validate; its limits come in as options): 0 <= pT <= ptLimit, |y| <= yLimit, |phi| <= phiLimit,
// finite pid, finite mass >= 0 (column 5); rows with pT == 0 are padding. On the first bad row
// it returns {bad: row} and the caller re-runs the TypeScript path on the same data, which throws the exact error
// (jet, particle, field); so both paths accept and reject the same inputs with the same messages.
#include <cmath>
#include <vector>
#include "common.h"

namespace jetlens {
namespace {

struct Limits {
  double pt, y, phi;
};

template <typename T>
bool row_ok(const T* r, size_t f, const Limits& lim) {
  const double pt = r[0], y = r[1], phi = r[2];
  // comparisons are false for NaN, and the limits are finite: NaN and inf fail each test
  bool ok = pt >= 0 && pt <= lim.pt && std::abs(y) <= lim.y && std::abs(phi) <= lim.phi;
  if (f >= 4) ok = ok && std::isfinite((double)r[3]);
  if (f >= 5) ok = ok && r[4] >= 0 && std::isfinite((double)r[4]);
  return ok;
}

template <typename T>
Napi::Value convert(const Napi::Env& env, const T* data, size_t n, size_t m, size_t f, const Limits& lim) {
  const bool with_pid = f >= 4, with_mass = f >= 5;
  Napi::Uint32Array offsets = Napi::Uint32Array::New(env, n + 1);
  uint32_t* off = offsets.Data();
  off[0] = 0;
  size_t total = 0;
  for (size_t j = 0; j < n; ++j) {
    const T* row = data + j * m * f;
    uint32_t c = 0;
    for (size_t k = 0; k < m; ++k) c += row[k * f] != 0;  // NaN != 0: counted, then rejected below
    total += c;
    if (total > 0xffffffffu) fail("paddedToCsr: more than 2^32 - 1 particles");
    off[j + 1] = (uint32_t)total;
  }
  Napi::Float64Array pt = Napi::Float64Array::New(env, total);
  Napi::Float64Array y = Napi::Float64Array::New(env, total);
  Napi::Float64Array phi = Napi::Float64Array::New(env, total);
  Napi::Float64Array pid = with_pid ? Napi::Float64Array::New(env, total) : Napi::Float64Array();
  Napi::Float64Array mass = with_mass ? Napi::Float64Array::New(env, total) : Napi::Float64Array();
  double *ppt = pt.Data(), *py = y.Data(), *pphi = phi.Data(), *ppid = with_pid ? pid.Data() : nullptr;
  double* pmass = with_mass ? mass.Data() : nullptr;
  size_t i = 0;
  const size_t rows = n * m;
  for (size_t r = 0; r < rows; ++r) {
    const T* p = data + r * f;
    if (p[0] == 0) continue;
    if (!row_ok(p, f, lim)) {
      Napi::Object bad = Napi::Object::New(env);
      bad.Set("bad", Napi::Number::New(env, (double)r));
      return bad;
    }
    ppt[i] = p[0];
    py[i] = p[1];
    pphi[i] = p[2];
    if (with_pid) ppid[i] = p[3];
    if (with_mass) pmass[i] = p[4];
    ++i;
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("offsets", offsets);
  out.Set("pt", pt);
  out.Set("y", y);
  out.Set("phi", phi);
  if (with_pid) out.Set("pid", pid);
  if (with_mass) out.Set("mass", mass);
  return out;
}

}  // namespace

// paddedToCsr({data: Float64Array | Float32Array, n, m, f, ptLimit, yLimit, phiLimit})
//   -> {offsets, pt, y, phi, pid?, mass?} | {bad: row}
static Napi::Value PaddedToCsr(const Napi::CallbackInfo& info) {
  Opts o(info[0], "paddedToCsr");
  const size_t n = (size_t)o.integer("n", 0, 1e12);
  const size_t m = (size_t)o.integer("m", 0, 1e9);
  const size_t f = (size_t)o.integer("f", 3, 1024);
  const Limits lim{o.number("ptLimit"), o.number("yLimit"), o.number("phiLimit")};
  if (!(std::isfinite(lim.pt) && std::isfinite(lim.y) && std::isfinite(lim.phi))) fail("paddedToCsr: limits must be finite");
  Napi::Value d = o.raw("data");
  o.done();
  if (!d.IsTypedArray()) fail("paddedToCsr.data: expected a Float64Array or Float32Array");
  const auto type = d.As<Napi::TypedArray>().TypedArrayType();
  const size_t need = n * m * f;
  if (type == napi_float64_array) {
    auto a = o.typed<double>("data");
    if (a.size != need) fail("paddedToCsr.data: length does not match n * m * f");
    return convert<double>(info.Env(), a.data, n, m, f, lim);
  }
  if (type == napi_float32_array) {
    auto a = o.typed<float>("data");
    if (a.size != need) fail("paddedToCsr.data: length does not match n * m * f");
    return convert<float>(info.Env(), a.data, n, m, f, lim);
  }
  fail("paddedToCsr.data: expected a Float64Array or Float32Array");
}
JETLENS_EXPORT_GUARDED("paddedToCsr", PaddedToCsr);

}  // namespace jetlens
