/**
 * CPU priority of the service's background threads. On 2 cores the kernel threads and the parse/answer workers
 * would otherwise take the CPU from the event loop, and every /health answer would wait for a time slice. Linux keeps a
 * nice value per thread and lets any thread lower its own priority without privilege, so each background thread
 * lowers itself at start to (the process's nice + n), at most 19; the event loop keeps the process's priority.
 * Elsewhere (or when the addon is absent) this is a no-op. See docs/reliability.md, "The service".
 */
import { getPriority, setPriority } from 'node:os';
import { loadNative } from '../backend/native.js';

/** Nice increment every native kernel thread of this process takes from now on (0 = unchanged; process-wide). */
export function setKernelNice(n: number): void {
  const native = loadNative();
  if (typeof native?.setKernelNice === 'function') native.setKernelNice(n);
}

/**
 * Lowers the calling thread (a worker thread) to the process's nice + n. On Linux `setPriority(0, ...)` acts on the
 * calling thread only; the process's own value is that of its main thread (pid = its thread id).
 */
export function lowerThisThread(n: number): void {
  if (n <= 0 || process.platform !== 'linux') return;
  try {
    const target = Math.min(19, getPriority(process.pid) + n);
    if (getPriority(0) < target) setPriority(0, target);
  } catch {
    // a preference, not a correctness matter: the thread keeps its priority
  }
}
