#include "common.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace jetlens {

std::vector<Export>& registry() {
  static std::vector<Export> r;
  return r;
}

namespace {
void check_jets(const JetView& j, const std::string& op) {
  if (j.offsets.size < 1) fail(op + "offsets: length must be N + 1 >= 1");
  if (j.offsets[0] != 0) fail(op + "offsets[0] must be 0");
  for (size_t i = 1; i < j.offsets.size; ++i)
    if (j.offsets[i] < j.offsets[i - 1]) fail(op + "offsets must be non-decreasing (at jet " + std::to_string(i - 1) + ")");
  size_t total = j.offsets[j.offsets.size - 1];
  if (j.pt.size != total || j.y.size != total || j.phi.size != total)
    fail(op + "pt, y, phi must each have offsets[N] = " + std::to_string(total) + " entries");
}
}  // namespace

JetView jets_from(const Napi::Value& v) {
  if (!v.IsObject()) fail("jets: expected an object {offsets, pt, y, phi}");
  auto o = v.As<Napi::Object>();
  JetView j;
  j.offsets = typed<uint32_t>(o.Get("offsets"), "jets.offsets");
  j.pt = typed<double>(o.Get("pt"), "jets.pt");
  j.y = typed<double>(o.Get("y"), "jets.y");
  j.phi = typed<double>(o.Get("phi"), "jets.phi");
  check_jets(j, "jets.");
  return j;
}

JetView jets_from(const Opts& o) {
  JetView j;
  j.offsets = o.typed<uint32_t>("offsets");
  j.pt = o.typed<double>("pt");
  j.y = o.typed<double>("y");
  j.phi = o.typed<double>("phi");
  check_jets(j, std::string(o.op()) + ".");
  return j;
}

const double* masses_from(const Opts& o, const JetView& jets) {
  if (!o.has("mass")) return nullptr;
  auto m = o.typed<double>("mass");
  if (m.size != jets.pt.size) fail(o.where("mass") + ": expected one entry per constituent");
  for (size_t i = 0; i < m.size; ++i)
    if (!(std::isfinite(m[i]) && m[i] >= 0)) fail(o.where("mass") + ": every mass must be finite and >= 0 (particle " + std::to_string(i) + ")");
  return m.data;
}

int resolve_threads(int requested) {
  int hw = (int)std::max(1u, std::thread::hardware_concurrency());
  if (requested <= 0) return hw;
  return std::min(requested, 256);
}

// ---------- kernel thread priority ----------
// So that a service's event loop wins the CPU over the kernels: each thread parallel_for starts lowers its own OS
// priority to (the process's nice value + the kernel nice), at most 19 (Linux: nice is per thread; lowering needs no
// privilege). 0 = unchanged: the CLI's batch path. `jetlens serve --kernel-nice N` sets it through setKernelNice.
namespace {
std::atomic<int> g_kernel_nice{0};

// Lowers the calling thread's priority to the process's nice + kernel_nice() (never raises it: an unprivileged
// thread could not go back). A failure leaves the thread as it was: priority is a preference, not a correctness matter.
void lower_thread_priority() {
#if defined(__linux__)
  int n = g_kernel_nice.load(std::memory_order_relaxed);
  if (n <= 0) return;
  errno = 0;
  int base = getpriority(PRIO_PROCESS, (id_t)getpid());  // the main thread's nice value
  if (errno) return;
  id_t tid = (id_t)syscall(SYS_gettid);
  int target = std::min(19, base + n);
  errno = 0;
  int cur = getpriority(PRIO_PROCESS, tid);
  if (!errno && cur < target) setpriority(PRIO_PROCESS, tid, target);
#endif
}


void set_kernel_nice(int n) { g_kernel_nice.store(std::max(0, std::min(19, n))); }
int kernel_nice() { return g_kernel_nice.load(); }
}  // namespace

void parallel_for(size_t n, int threads, const std::function<void(size_t)>& body, size_t chunk, const char* what) {
  if (n == 0) return;
  chunk = std::max<size_t>(1, chunk);
  size_t t = std::min<size_t>((size_t)std::max(1, threads), (n + chunk - 1) / chunk);
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::string error;  // the first failure, with the item it happened at
  auto run = [&]() {
    lower_thread_priority();
    size_t i = 0;
    try {
      for (;;) {
        size_t s = next.fetch_add(chunk);
        if (s >= n || stop.load(std::memory_order_relaxed)) break;
        size_t e = std::min(n, s + chunk);
        for (i = s; i < e; ++i) body(i);
      }
    } catch (const Cancelled&) {
      stop = true;
    } catch (const std::bad_alloc&) {
      std::lock_guard<std::mutex> lock(mu);
      if (error.empty()) error = std::string(what) + " " + std::to_string(i) + ": out of memory (std::bad_alloc)";
      stop = true;
    } catch (const ArgError& e) {
      std::lock_guard<std::mutex> lock(mu);
      if (error.empty()) error = std::string(what) + " " + std::to_string(i) + ": " + e.msg;
      stop = true;
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mu);
      if (error.empty()) error = std::string(what) + " " + std::to_string(i) + ": " + e.what();
      stop = true;
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (error.empty()) error = std::string(what) + " " + std::to_string(i) + ": unknown native exception";
      stop = true;
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(t);
  for (size_t k = 0; k < t; ++k) pool.emplace_back(run);
  for (auto& th : pool) th.join();
  if (!error.empty()) throw std::runtime_error(error);
}

size_t scratch_limit_bytes() {
  const char* v = std::getenv("JETLENS_MAX_SCRATCH_MB");
  double mb = v && *v ? std::atof(v) : 4096.0;
  if (!(mb > 0)) mb = 4096.0;
  return (size_t)(mb * 1048576.0);
}

void check_scratch(double bytes, const std::string& what) {
  double limit = (double)scratch_limit_bytes();
  if (bytes > limit)
    fail(what + " needs " + std::to_string((long long)(bytes / 1048576.0)) + " MB of scratch memory, above the limit of " +
         std::to_string((long long)(limit / 1048576.0)) + " MB (set JETLENS_MAX_SCRATCH_MB to raise it, or use fewer threads)");
}

Control control_from(const Napi::Value& v) {
  Control c;
  if (v.IsUndefined() || v.IsNull()) return c;
  auto s = typed<int32_t>(v, "control");
  if (s.size < 2) fail("control: expected an Int32Array of length >= 2");
  c.cells = s.data;
  return c;
}

namespace {
class LambdaWorker : public Napi::AsyncWorker {
 public:
  LambdaWorker(Napi::Env env, std::vector<Napi::Value> keep, std::function<std::string()> work,
               std::function<Napi::Value(Napi::Env)> result)
      : Napi::AsyncWorker(env, "jetlens"), deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)), result_(std::move(result)) {
    for (auto& k : keep) refs_.push_back(Napi::Persistent(k.As<Napi::Object>()));
  }
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      std::string err = work_();
      if (!err.empty()) SetError(err);
    } catch (const ArgError& e) {
      SetError(e.msg);
    } catch (const Cancelled&) {
      // JS sees its cancel flag and rejects with an AbortError.
    } catch (const std::bad_alloc&) {
      SetError("jetlens native: out of memory (std::bad_alloc)");
    } catch (const std::exception& e) {
      SetError(std::string("jetlens native: ") + e.what());
    } catch (...) {
      SetError("jetlens native: unknown exception");
    }
#if defined(__GLIBC__)
    malloc_trim(0);  // give the freed per-call scratch back to the OS (glibc keeps it in its arenas otherwise)
#endif
  }
  void OnOK() override { deferred_.Resolve(result_(Env())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::function<std::string()> work_;
  std::function<Napi::Value(Napi::Env)> result_;
  std::vector<Napi::ObjectReference> refs_;
};
}  // namespace

Napi::Value run_async(Napi::Env env, std::vector<Napi::Value> keep, std::function<std::string()> work,
                      std::function<Napi::Value(Napi::Env)> result) {
  auto* w = new LambdaWorker(env, std::move(keep), std::move(work), std::move(result));
  auto p = w->promise();
  w->Queue();
  return p;
}

namespace {
// selfTestThrow({n, threads, at, kind: 'bad_alloc' | 'runtime' | 'cancel'}) -> Promise: body(at) throws in a worker
// thread. Lets the tests prove that a native exception in a thread becomes a located JS error, not an abort.
Napi::Value SelfTestThrow(const Napi::CallbackInfo& info) {
  Opts o(info[0], "selfTestThrow");
  size_t n = (size_t)o.integer("n", 1, 1 << 20);
  int threads = (int)o.integer("threads", 1, 64);
  size_t at = (size_t)o.integer("at", 0, 1 << 20);
  int kind = o.choice("kind", {"bad_alloc", "runtime", "cancel"});
  o.done();
  return run_async(info.Env(), {}, [=]() -> std::string {
    parallel_for(n, threads, [&](size_t i) {
      if (i != at) return;
      if (kind == 0) throw std::bad_alloc();
      if (kind == 1) throw std::runtime_error("boom");
      throw Cancelled{};
    }, 1, "jet");
    return "";
  }, [](Napi::Env env) { return env.Undefined(); });
}
}  // namespace
JETLENS_EXPORT_GUARDED("selfTestThrow", SelfTestThrow);

// setKernelNice(n: 0..19) -> the value now in force: the nice increment kernel threads take (see common.h).
Napi::Value SetKernelNice(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) fail("setKernelNice: expected an integer 0..19");
  double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 0 && n <= 19 && n == std::floor(n))) fail("setKernelNice: expected an integer 0..19");
  set_kernel_nice((int)n);
  return Napi::Number::New(info.Env(), kernel_nice());
}
JETLENS_EXPORT_GUARDED("setKernelNice", SetKernelNice);

// selfTestThreadNice({threads}) -> Promise<number[]>: the nice value of each kernel thread of one parallel_for call
// (Linux; -100 where it cannot be read). Lets the tests see that --kernel-nice reaches the threads.
Napi::Value SelfTestThreadNice(const Napi::CallbackInfo& info) {
  Opts o(info[0], "selfTestThreadNice");
  int threads = (int)o.integer("threads", 1, 64);
  o.done();
  auto seen = std::make_shared<std::vector<int>>(threads, -100);
  return run_async(info.Env(), o.keep(), [=]() -> std::string {
    parallel_for((size_t)threads, threads, [&](size_t i) {
#if defined(__linux__)
      errno = 0;
      int v = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
      (*seen)[i] = errno ? -100 : v;
#endif
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // so that every thread takes one item
    }, 1, "thread");
    return "";
  }, [seen](Napi::Env env) {
    auto a = Napi::Array::New(env, seen->size());
    for (size_t i = 0; i < seen->size(); ++i) a.Set((uint32_t)i, Napi::Number::New(env, (*seen)[i]));
    return a;
  });
}
JETLENS_EXPORT_GUARDED("selfTestThreadNice", SelfTestThreadNice);

}  // namespace jetlens
