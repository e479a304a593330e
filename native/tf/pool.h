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

// Threads used by run_tasks (caller included): JETLENS_TF_THREADS, else the hardware concurrency.
int threads();
void set_threads(int n);  // 0 = default; takes effect on the next run_tasks

}  // namespace jetlens::tf
