#include "tf/pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <time.h>
#include <vector>

namespace jetlens::tf {
namespace {

int default_threads() {
  const char* e = std::getenv("JETLENS_TF_THREADS");
  int n = e ? std::atoi(e) : 0;
  if (n <= 0) n = (int)std::max(1u, std::thread::hardware_concurrency());
  return std::min(n, 64);
}

std::atomic<bool> g_clock_on{false};
std::atomic<uint64_t> g_clock_ns{0};

uint64_t thread_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void inline_tasks(size_t n, const std::function<void(size_t, int)>& body) {
  for (size_t i = 0; i < n; ++i) body(i, 0);
}

class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> l(m_);
      stop_ = true;
      ++gen_;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int threads() const { return want_ > 0 ? want_ : (want_ = default_threads()); }
  void set_threads(int n) { want_ = n > 0 ? std::min(n, 64) : default_threads(); }

  void run(size_t n, const std::function<void(size_t, int)>& body) {
    int t = (int)std::min<size_t>((size_t)threads(), n);
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (t <= 1 || !busy.owns_lock()) return inline_tasks(n, body);
    ensure_workers(t - 1);
    {
      std::lock_guard<std::mutex> l(m_);
      body_ = &body;
      n_ = n;
      next_.store(0);
      active_ = t - 1;
      pending_.store(t - 1);
      ++gen_;
    }
    cv_.notify_all();
    drain(0);
    // Wait for the helpers: spin a little (ops are short), then sleep.
    for (int i = 0; i < 4000 && pending_.load(std::memory_order_acquire) > 0; ++i) std::this_thread::yield();
    if (pending_.load(std::memory_order_acquire) > 0) {
      std::unique_lock<std::mutex> l(m_);
      done_cv_.wait(l, [&] { return pending_.load() == 0; });
    }
    body_ = nullptr;
    std::exception_ptr e;
    {
      std::lock_guard<std::mutex> l(err_m_);
      std::swap(e, err_);
    }
    if (e) std::rethrow_exception(e);
  }

 private:
  // An exception in a task (std::bad_alloc) must not reach std::terminate on a pool thread: the first one is kept,
  // the remaining tasks are skipped, and run() rethrows it on the calling thread (guarded() turns it into a JS error).
  void drain(int slot) {
    std::optional<KernelCpu> helper;  // a helper's share of the call (the calling thread is counted by its kernel)
    if (slot > 0) helper.emplace();
    for (;;) {
      size_t i = next_.fetch_add(1);
      if (i >= n_) break;
      try {
        (*body_)(i, slot);
      } catch (...) {
        std::lock_guard<std::mutex> l(err_m_);
        if (!err_) err_ = std::current_exception();
        next_.store(n_);
      }
    }
  }
  void ensure_workers(int k) {
    while ((int)workers_.size() < k) {
      int slot = (int)workers_.size() + 1;
      uint64_t born = gen_.load();  // the worker must see the next generation as new, however late it starts
      workers_.emplace_back([this, slot, born] { loop(slot, born); });
    }
  }
  void loop(int slot, uint64_t seen) {
    for (;;) {
      // Brief spin for back-to-back kernels, then block.
      for (int i = 0; i < 2000 && gen_seen() == seen; ++i) std::this_thread::yield();
      std::unique_lock<std::mutex> l(m_);
      cv_.wait(l, [&] { return gen_ != seen; });
      seen = gen_;
      if (stop_) return;
      bool mine = slot <= active_;
      l.unlock();
      if (!mine) continue;
      drain(slot);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> g(m_);
        done_cv_.notify_all();
      }
    }
  }
  uint64_t gen_seen() const { return gen_.load(std::memory_order_acquire); }

  std::mutex busy_, m_, err_m_;
  std::exception_ptr err_;
  std::condition_variable cv_, done_cv_;
  std::vector<std::thread> workers_;
  const std::function<void(size_t, int)>* body_ = nullptr;
  size_t n_ = 0;
  std::atomic<size_t> next_{0};
  std::atomic<int> pending_{0};
  int active_ = 0;
  std::atomic<uint64_t> gen_{0};
  bool stop_ = false;
  mutable int want_ = 0;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: workers may outlive static destruction order at exit
  return *p;
}

}  // namespace

void run_tasks(size_t n, const std::function<void(size_t, int)>& body) { pool().run(n, body); }
void run_tasks(size_t n, double work, const std::function<void(size_t, int)>& body) {
  if (work >= kInlineWork) return pool().run(n, body);
  inline_tasks(n, body);
}
KernelCpu::KernelCpu() : on_(g_clock_on.load(std::memory_order_relaxed)), t0_(on_ ? thread_ns() : 0) {}
KernelCpu::~KernelCpu() {
  if (on_) g_clock_ns.fetch_add(thread_ns() - t0_, std::memory_order_relaxed);
}
void set_cpu_clock(bool on) {
  g_clock_ns.store(0);
  g_clock_on.store(on);
}
bool cpu_clock_on() { return g_clock_on.load(); }
double cpu_clock_seconds() { return (double)g_clock_ns.load() * 1e-9; }
int threads() { return pool().threads(); }
void set_threads(int n) { pool().set_threads(n); }

}  // namespace jetlens::tf
