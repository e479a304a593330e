#include "common.h"

#include <algorithm>

namespace jetlens {

std::vector<Export>& registry() {
  static std::vector<Export> r;
  return r;
}

JetView jets_from(const Napi::Value& v) {
  if (!v.IsObject()) fail("jets: expected an object {offsets, pt, y, phi}");
  auto o = v.As<Napi::Object>();
  JetView j;
  j.offsets = typed<uint32_t>(o.Get("offsets"), "jets.offsets");
  j.pt = typed<double>(o.Get("pt"), "jets.pt");
  j.y = typed<double>(o.Get("y"), "jets.y");
  j.phi = typed<double>(o.Get("phi"), "jets.phi");
  if (j.offsets.size < 1) fail("jets.offsets: length must be N + 1 >= 1");
  if (j.offsets[0] != 0) fail("jets.offsets[0] must be 0");
  for (size_t i = 1; i < j.offsets.size; ++i)
    if (j.offsets[i] < j.offsets[i - 1]) fail("jets.offsets must be non-decreasing (at jet " + std::to_string(i - 1) + ")");
  size_t total = j.offsets[j.offsets.size - 1];
  if (j.pt.size != total || j.y.size != total || j.phi.size != total)
    fail("jets: pt, y, phi must each have offsets[N] = " + std::to_string(total) + " entries");
  return j;
}

int resolve_threads(int requested) {
  int hw = (int)std::max(1u, std::thread::hardware_concurrency());
  if (requested <= 0) return hw;
  return std::min(requested, 256);
}

void parallel_for(size_t n, int threads, const std::function<void(size_t)>& body, size_t chunk) {
  if (n == 0) return;
  chunk = std::max<size_t>(1, chunk);
  size_t t = std::min<size_t>((size_t)std::max(1, threads), (n + chunk - 1) / chunk);
  if (t <= 1) {
    for (size_t i = 0; i < n; ++i) body(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto run = [&]() {
    for (;;) {
      size_t s = next.fetch_add(chunk);
      if (s >= n) break;
      size_t e = std::min(n, s + chunk);
      for (size_t i = s; i < e; ++i) body(i);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  for (size_t k = 1; k < t; ++k) pool.emplace_back(run);
  run();
  for (auto& th : pool) th.join();
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
    } catch (const std::exception& e) {
      SetError(std::string("jetlens native: ") + e.what());
    }
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

}  // namespace jetlens
