/**
 * Lowers the priority of every thread of this process, not only the calling one. Linux nice values
 * are per thread: `os.setPriority()` on the main thread leaves libuv's pool threads (which do every
 * async `fs` call) and V8's helper threads at the priority they were created with. The swarm runner
 * measured 3.2 s of CPU in those threads over a 10 s round window (`perf sched`), at nice 0 beside
 * the tabs it measures, while its main thread sat at nice 10.
 * @module
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Thread ids of this process (Linux `/proc/self/task`); just the process itself elsewhere. */
export function ownThreadIds(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number).filter((t) => Number.isSafeInteger(t) && t > 0);
  } catch {
    return [process.pid];
  }
}

/**
 * Sets every thread of this process to at least `nice` (a thread already lower stays as it is).
 * Returns a function that puts back each thread's previous priority, where permitted (raising a
 * priority back needs CAP_SYS_NICE or a nice rlimit; without them the threads stay lowered).
 * Threads that end meanwhile, or that the OS does not let us change, are skipped.
 * @throws RangeError if `nice` is not an integer in [-20, 19]
 */
export function lowerAllThreads(nice: number): () => void {
  if (!Number.isInteger(nice) || nice < -20 || nice > 19) throw new RangeError(`lowerAllThreads: nice must be an integer in [-20, 19], got ${nice}`);
  const before = new Map<number, number>();
  for (const tid of ownThreadIds()) {
    try {
      const p = getPriority(tid);
      before.set(tid, p);
      if (p < nice) setPriority(tid, nice);
    } catch { /* ended meanwhile, or not permitted */ }
  }
  return () => {
    for (const [tid, p] of before) {
      try { setPriority(tid, p); } catch { /* ended, or raising back is not permitted */ }
    }
  };
}
