/**
 * Main-thread task slicing for a tab that runs a round. Everything a link delivers or sends, and
 * every call into the crypto worker pool, would otherwise run back to back inside one event-loop
 * task (a data-channel message handler plus the promise chain it starts), which shows up as a
 * long task (> 50 ms) and janks the UI. A {@link TaskQueue} runs each job in its own macrotask
 * (MessageChannel, not setTimeout: no 4 ms clamp), so the browser can render and handle input
 * between jobs; {@link yieldingBackend} starts every crypto operation in a fresh task.
 * @module
 */
import type { CryptoBackend } from '../protocol/crypto-backend';

/** Schedules one macrotask. */
export type MacrotaskScheduler = (fn: () => void) => void;

/** A macrotask scheduler: MessageChannel where available (browsers, Node ≥ 15), else setTimeout 0. */
export function macrotask(): MacrotaskScheduler {
  if (typeof MessageChannel === 'undefined') return (fn) => { setTimeout(fn, 0); };
  const ch = new MessageChannel();
  const queue: Array<() => void> = [];
  ch.port1.onmessage = () => { queue.shift()?.(); };
  // Node keeps a process alive while a port is referenced; a tab does not care.
  (ch.port1 as unknown as { unref?: () => void }).unref?.();
  return (fn) => { queue.push(fn); ch.port2.postMessage(0); };
}

/** Resolves in a later macrotask (the browser may render and run other events first). */
export function yieldToMain(schedule: MacrotaskScheduler = sharedScheduler()): Promise<void> {
  return new Promise((resolve) => schedule(resolve));
}

let shared: MacrotaskScheduler | undefined;
function sharedScheduler(): MacrotaskScheduler {
  shared ??= macrotask();
  return shared;
}

/** A FIFO of jobs, each run in its own macrotask (with the microtasks it queues). */
export interface TaskQueue {
  /** Appends a job; jobs run in order, one per macrotask. A throwing job does not stop the queue. */
  push(job: () => void): void;
  /** Jobs not run yet. */
  readonly length: number;
  /** Drops pending jobs; later pushes are ignored. */
  close(): void;
}

/** Creates a {@link TaskQueue}. `onError` sees what a job throws (default: ignored). */
export function createTaskQueue(opts: { schedule?: MacrotaskScheduler; onError?: (e: unknown) => void } = {}): TaskQueue {
  const schedule = opts.schedule ?? sharedScheduler();
  const jobs: Array<() => void> = [];
  let scheduled = false;
  let closed = false;
  const run = (): void => {
    const job = jobs.shift();
    try { job?.(); } catch (e) { opts.onError?.(e); }
    // Re-arm after the job: whatever the job scheduled runs before the next job.
    scheduled = jobs.length > 0 && !closed;
    if (scheduled) schedule(run);
  };
  return {
    push(job) {
      if (closed) return;
      if (typeof job !== 'function') throw new TypeError('TaskQueue.push: job must be a function');
      jobs.push(job);
      if (!scheduled) { scheduled = true; schedule(run); }
    },
    get length() { return jobs.length; },
    close() { closed = true; jobs.length = 0; },
  };
}

/**
 * Wraps a backend so that each operation starts in a fresh macrotask: the protocol code before the
 * call (e.g. noise generation and packing) and the structured clone of the call's arguments into the
 * worker then fall into separate tasks. Results, validation and timing are the inner backend's.
 */
export function yieldingBackend(inner: CryptoBackend, schedule: MacrotaskScheduler = sharedScheduler()): CryptoBackend {
  const later = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    await yieldToMain(schedule);
    return f(...a);
  };
  return {
    name: inner.name,
    plaintextModulus: inner.plaintextModulus,
    ciphertextModulus: inner.ciphertextModulus,
    ciphertextBytes: inner.ciphertextBytes,
    encryptVector: later((p) => inner.encryptVector(p)),
    addVectors: later((a, b) => inner.addVectors(a, b)),
    mulConstVector: later((c, k) => inner.mulConstVector(c, k)),
    scaleByPowerOfTwo: later((c, e) => inner.scaleByPowerOfTwo(c, e)),
    mergeScaled: later((a, ea, b, eb) => inner.mergeScaled(a, ea, b, eb)),
    partialDecryptVector: later((s, c) => inner.partialDecryptVector(s, c)),
    combineVector: later((pk, p) => inner.combineVector(pk, p)),
    isValidCiphertext: (c) => inner.isValidCiphertext(c),
    isValidPartial: (v) => inner.isValidPartial(v),
    elapsedMs: () => inner.elapsedMs(),
  };
}
