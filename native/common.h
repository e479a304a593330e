// Shared helpers for every native op: registration, typed-array checks, jets view, threads, async workers.
// Each op lives in its own .cc file and registers itself with JETLENS_EXPORT (no edit of addon.cc needed).
#pragma once
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <thread>
#include <vector>

namespace jetlens {

// ---------- registration ----------
struct Export {
  const char* name;
  Napi::Value (*fn)(const Napi::CallbackInfo&);
};
std::vector<Export>& registry();
struct Registrar {
  Registrar(const char* name, Napi::Value (*fn)(const Napi::CallbackInfo&)) { registry().push_back({name, fn}); }
};
#define JETLENS_EXPORT(name, fn) static ::jetlens::Registrar jetlens_reg_##fn(name, fn)

// ---------- errors ----------
// Argument problems are reported as JS TypeError/RangeError with the argument's name; native code never throws
// across threads (workers store a message and reject the Promise instead).
struct ArgError {
  std::string msg;
};
[[noreturn]] inline void fail(const std::string& msg) { throw ArgError{msg}; }

// Wraps a native entry point so ArgError becomes a JS error (C++ exceptions stay inside the addon).
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const ArgError& e) {
    Napi::TypeError::New(info.Env(), e.msg).ThrowAsJavaScriptException();
    return info.Env().Undefined();
  } catch (const std::exception& e) {
    Napi::Error::New(info.Env(), std::string("jetlens native: ") + e.what()).ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
}
#define JETLENS_EXPORT_GUARDED(name, fn) \
  static ::jetlens::Registrar jetlens_reg_##fn(name, ::jetlens::guarded<fn>)

// ---------- typed arrays (element type checked: As<Float64Array>() does not check it) ----------
template <typename T> struct TAType;
template <> struct TAType<double> { static constexpr napi_typedarray_type v = napi_float64_array; static constexpr const char* n = "Float64Array"; };
template <> struct TAType<float> { static constexpr napi_typedarray_type v = napi_float32_array; static constexpr const char* n = "Float32Array"; };
template <> struct TAType<uint32_t> { static constexpr napi_typedarray_type v = napi_uint32_array; static constexpr const char* n = "Uint32Array"; };
template <> struct TAType<int32_t> { static constexpr napi_typedarray_type v = napi_int32_array; static constexpr const char* n = "Int32Array"; };
template <> struct TAType<uint8_t> { static constexpr napi_typedarray_type v = napi_uint8_array; static constexpr const char* n = "Uint8Array"; };

template <typename T>
struct Span {
  T* data = nullptr;
  size_t size = 0;
  T& operator[](size_t i) const { return data[i]; }
};

// Where a bad argument is, for the error: "op: what", built only when a check fails (per-jet calls pass the parts).
inline std::string where_of(const char* op, const char* what) { return op ? std::string(op) + ": " + what : std::string(what); }

// One napi call per argument (node-addon-api's IsTypedArray / TypedArrayType / As<TypedArrayOf> make three).
template <typename T>
Span<T> typed(const Napi::Value& v, const char* op, const char* what) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(v.Env(), v, &type, &length, &data, nullptr, nullptr) != napi_ok || type != TAType<T>::v)
    fail(where_of(op, what) + ": expected a " + TAType<T>::n);
  return Span<T>{static_cast<T*>(data), length};
}
template <typename T>
Span<T> typed(const Napi::Value& v, const char* what) { return typed<T>(v, nullptr, what); }

inline double number(const Napi::Value& v, const char* op, const char* what) {
  double d = 0;
  if (napi_get_value_double(v.Env(), v, &d) != napi_ok) fail(where_of(op, what) + ": expected a number");
  return d;
}
inline double number(const Napi::Value& v, const char* what) { return number(v, nullptr, what); }
inline int64_t integer(const Napi::Value& v, const char* op, const char* what, int64_t lo, int64_t hi) {
  double d = number(v, op, what);
  if (!(d >= (double)lo && d <= (double)hi) || d != (double)(int64_t)d)
    fail(where_of(op, what) + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return (int64_t)d;
}
inline int64_t integer(const Napi::Value& v, const char* what, int64_t lo, int64_t hi) { return integer(v, nullptr, what, lo, hi); }

// ---------- named arguments ----------
// Every native entry point takes ONE options object and reads its fields by name, so a reordered argument list
// in TypeScript can never change what C++ computes. Enums travel as the same strings the TypeScript API uses.
//   Opts o(info[0], "efpCompute");
//   auto pt = o.typed<double>("pt");  double beta = o.number("beta");
//   int threads = (int)o.integer("threads", 0, 256, 0);  int m = o.choice("measure", {"hadr", "hadrdot", "ee"});
//   o.done();  // refuses keys that were not read (misspelt names), naming the op and the key
// A missing required key fails with "<op>.<key>: expected a ... (missing)".
class Opts {
 public:
  Opts(const Napi::Value& v, const char* op) : op_(op) {
    if (!v.IsObject() || v.IsTypedArray() || v.IsArray()) fail(std::string(op) + ": expected an options object");
    obj_ = v.As<Napi::Object>();
  }
  bool has(const char* k) const {
    Napi::Value v = get(k);
    return !v.IsUndefined() && !v.IsNull();
  }
  Napi::Value raw(const char* k) const { return get(k); }
  std::string where(const char* k) const { return std::string(op_) + "." + k; }
  template <typename T> Span<T> typed(const char* k) const {
    required(k, TAType<T>::n);
    return jetlens::typed<T>(get(k), where(k).c_str());
  }
  double number(const char* k) const {
    required(k, "number");
    return jetlens::number(get(k), where(k).c_str());
  }
  double number(const char* k, double dflt) const { return has(k) ? number(k) : dflt; }
  int64_t integer(const char* k, int64_t lo, int64_t hi) const {
    required(k, "integer");
    return jetlens::integer(get(k), where(k).c_str(), lo, hi);
  }
  int64_t integer(const char* k, int64_t lo, int64_t hi, int64_t dflt) const { return has(k) ? integer(k, lo, hi) : dflt; }
  bool boolean(const char* k, bool dflt) const {
    if (!has(k)) return dflt;
    Napi::Value v = get(k);
    if (!v.IsBoolean()) fail(where(k) + ": expected a boolean");
    return v.As<Napi::Boolean>().Value();
  }
  bool boolean(const char* k) const {
    required(k, "boolean");
    return boolean(k, false);
  }
  std::string string(const char* k) const {
    required(k, "string");
    Napi::Value v = get(k);
    if (!v.IsString()) fail(where(k) + ": expected a string");
    return v.As<Napi::String>().Utf8Value();
  }
  // Index of the value among `names`; an unknown string is an error listing the accepted ones.
  int choice(const char* k, std::initializer_list<const char*> names) const {
    std::string s = string(k), all;
    int i = 0;
    for (const char* n : names) {
      if (s == n) return i;
      all += (i++ ? ", " : "") + std::string(n);
    }
    fail(where(k) + ": unknown value '" + s + "' (expected one of " + all + ")");
  }
  // Keys this op knows but does not read in this call (e.g. soft-drop options in a trimming call).
  void accept(std::initializer_list<const char*> keys) const {
    for (const char* k : keys) mark(k);
  }
  // Refuses every key that was neither read nor accepted: a misspelt optional key ("thread" for "threads")
  // would otherwise be ignored silently. Call it after reading all options, before any work starts.
  void done() const {
    Napi::Array names = obj_.GetPropertyNames();
    std::string bad;
    for (uint32_t i = 0; i < names.Length(); ++i) {
      std::string k = names.Get(i).ToString().Utf8Value();
      if (!known(k)) bad += (bad.empty() ? "'" : ", '") + k + "'";
    }
    if (bad.empty()) return;
    std::string all;
    for (size_t i = 0; i < read_.size(); ++i) all += (i ? ", " : "") + read_[i];
    fail(std::string(op_) + ": unknown option " + bad + " (accepted: " + all + ")");
  }
  // The options object and every object-valued option read (typed arrays, the control block): what an async
  // call must keep alive until it settles.
  std::vector<Napi::Value> keep() const {
    std::vector<Napi::Value> out{obj_};
    for (const auto& k : read_) {
      Napi::Value v = obj_.Get(k);
      if (v.IsObject()) out.push_back(v);
    }
    return out;
  }
  // o[k], which must be present: a missing key fails with "<op>.<k>: expected a <type> (missing)".
  Napi::Value need(const char* k, const char* type) const {
    required(k, type);
    return get(k);
  }
  Napi::Object object() const { return obj_; }
  const char* op() const { return op_; }

 private:
  Napi::Value get(const char* k) const {
    mark(k);
    return obj_.Get(k);
  }
  void required(const char* k, const char* type) const {
    if (!get(k).IsUndefined()) return;
    const bool vowel = std::string("aeiouAEIOU").find(type[0]) != std::string::npos;
    fail(where(k) + (vowel ? ": expected an " : ": expected a ") + type + " (missing)");
  }
  bool known(const std::string& k) const {
    for (const auto& r : read_)
      if (r == k) return true;
    return false;
  }
  void mark(const char* k) const {
    if (!known(k)) read_.emplace_back(k);
  }
  Napi::Object obj_;
  const char* op_;
  mutable std::vector<std::string> read_;  // keys read or accepted, in order (for done() and keep())
};

// ---------- jets (CSR, structure of arrays; zero copy) ----------
struct JetView {
  Span<uint32_t> offsets;  // N + 1
  Span<double> pt, y, phi;
  size_t n() const { return offsets.size - 1; }
  size_t begin(size_t j) const { return offsets[j]; }
  size_t end(size_t j) const { return offsets[j + 1]; }
};
// Reads {offsets, pt, y, phi} and re-checks sizes before any kernel touches memory.
JetView jets_from(const Napi::Value& v);
// The same fields read by name from an op's options (errors name the op: "jssImages.pt: ...").
JetView jets_from(const Opts& o);
// Optional constituent masses o.mass (one per particle, finite, >= 0): nullptr when absent.
const double* masses_from(const Opts& o, const JetView& jets);

// ---------- threads ----------
// Runs body(i) for i in [0, n) on `threads` threads with dynamic chunking. Own pool-free implementation:
// no OpenMP busy-waiting on shared cores. The threads are made for this call and end with it (threads <= 1: one
// thread), so every thread_local scratch buffer of a kernel is freed when the call returns: a service's memory
// goes back down after each request.
// An exception thrown by body (std::bad_alloc included) never reaches std::terminate: the first one stops the
// other threads at their next item and is rethrown here as std::runtime_error "<what> <i>: <message>"; Cancelled
// (from Control::check in an inner loop) just stops the loop.
void parallel_for(size_t n, int threads, const std::function<void(size_t)>& body, size_t chunk = 1,
                  const char* what = "item");
int resolve_threads(int requested);  // 0 = hardware concurrency

// ---------- allocation limits ----------
// Scratch memory a kernel sizes by its input (M x M per jet, M^rank EFP buffers) is checked against this limit
// (all threads of one call together) before it is allocated. JETLENS_MAX_SCRATCH_MB overrides the default
// (4096 MB); read at each call, so a service can lower it.
size_t scratch_limit_bytes();
// Fails with a clear message ("<what> needs X MB of scratch ... limit Y MB (JETLENS_MAX_SCRATCH_MB)") when
// `bytes` exceeds the limit.
void check_scratch(double bytes, const std::string& what);

// ---------- control block shared with JS: cancellation and progress ----------
// A Int32Array(2) from JS: [0] = cancel flag (set by JS on AbortSignal), [1] = items done (written here).
// Inner loops call check() (one relaxed load) so that one huge jet is cancelled and time-limited inside the jet.
struct Cancelled {};
struct Control {
  int32_t* cells = nullptr;
  bool cancelled() const { return cells && __atomic_load_n(&cells[0], __ATOMIC_RELAXED) != 0; }
  void check() const { if (cancelled()) throw Cancelled{}; }
  void add_done(int32_t k) const { if (cells) __atomic_fetch_add(&cells[1], k, __ATOMIC_RELAXED); }
};
Control control_from(const Napi::Value& v);  // undefined/null -> no control

// Polls the control word once per `every` units of inner-loop work (default 2^14: one relaxed load per ~16k
// distance evaluations, far below 1% of the loop), so one huge jet or event set stops within milliseconds.
// tick() throws Cancelled; stop() only reports it, for target_clones functions, which GCC treats as nothrow
// (an exception leaving one calls std::terminate): break out there and let the caller throw.
class Ticker {
 public:
  explicit Ticker(const Control* c, size_t every = size_t(1) << 14) : c_(c && c->cells ? c : nullptr), every_(every) {}
  void tick(size_t units = 1) {
    if (c_ && (work_ += units) >= every_) {
      work_ = 0;
      c_->check();
    }
  }
  bool stop(size_t units = 1) {
    if (!c_ || (work_ += units) < every_) return false;
    work_ = 0;
    return c_->cancelled();
  }

 private:
  const Control* c_;
  size_t every_, work_ = 0;
};

// ---------- async ----------
// Runs `work` on the libuv pool and resolves a Promise with `result(env)`. `keep` holds the JS objects whose
// memory the work reads or writes, so they stay alive until the Promise settles. `work` returns an error
// message (empty on success) instead of throwing.
Napi::Value run_async(Napi::Env env, std::vector<Napi::Value> keep, std::function<std::string()> work,
                      std::function<Napi::Value(Napi::Env)> result);

}  // namespace jetlens
