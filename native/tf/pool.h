// A small persistent thread pool for the tfjs kernels. tfjs calls kernels synchronously and often (hundreds of ops
// per training step), so spawning threads per call (common.h parallel_for) would cost more than small ops take.
// Workers spin briefly and then sleep on a condition variable (no OpenMP-style busy waiting on shared cores).
// Only one caller uses the pool at a time; a second concurrent caller (another worker_thread) runs inline.
#pragma once
#include <cstddef>
#include <functional>

namespace jetlens::tf {

// Calls body(task, slot) for task in [0, n): slot in [0, threads()) identifies the executing thread (for
// per-thread scratch). The calling thread takes part. Returns when every task is done.
void run_tasks(size_t n, const std::function<void(size_t task, int slot)>& body);

// Work (FLOPs, or element operations for memory-bound kernels) below which an op runs inline on the calling thread.
// Handing tasks to a pool thread costs microseconds on a quiet machine and up to a scheduler time slice when the
// cores are oversubscribed (a 2-thread op then waits for its descheduled helper); 4 MFLOP is about 60-150 us on
// one AVX2 core, the size at which a second thread starts to pay off (dense layers of 100 units at batch 128 stay
// inline). The result never depends on this: kernels split work so that any thread count sums identically.
constexpr double kInlineWork = 4e6;

// run_tasks, but all tasks on the calling thread when `work` < kInlineWork.
void run_tasks(size_t n, double work, const std::function<void(size_t task, int slot)>& body);

// Threads used by run_tasks (caller included): JETLENS_TF_THREADS, else the hardware concurrency.
int threads();
void set_threads(int n);  // 0 = default; takes effect on the next run_tasks

// CPU-time accounting, for the bench's GFLOP per CPU-second (meaningful on a busy machine, where wall time is mostly
// waiting for a core): while on, a kernel's calling thread adds its CLOCK_THREAD_CPUTIME_ID time over the whole call
// (a KernelCpu at the entry point) and each pool helper the time it spends running that call's tasks (not spinning
// or sleeping between calls). Off by default (clock reads cost). Turning it on resets it.
struct KernelCpu {
  KernelCpu();
  ~KernelCpu();
  KernelCpu(const KernelCpu&) = delete;
  KernelCpu& operator=(const KernelCpu&) = delete;

 private:
  bool on_;
  unsigned long long t0_;
};
void set_cpu_clock(bool on);
bool cpu_clock_on();
double cpu_clock_seconds();

}  // namespace jetlens::tf
