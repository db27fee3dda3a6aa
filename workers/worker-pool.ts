/**
 * Generic pool of comlink-wrapped Web Workers: a FIFO task queue, one task per worker at a time (so an
 * idle worker always takes the next chunk: natural load balancing for uneven work), tasks pinned to
 * one worker (for per-worker state such as nonce pools), a background priority that only runs when no
 * normal task waits, termination that rejects everything pending, and worker crashes that reject the
 * crashed worker's task instead of hanging forever.
 * Knows nothing about crypto: see ./pool.ts for the crypto pool built on it.
 * @module
 */
import { wrap, releaseProxy, type Remote } from 'comlink';

/** Largest pool {@link defaultPoolSize} picks: more workers than this only adds memory and start-up time. */
export const MAX_POOL_SIZE = 8;

/** How many times a pool replaces crashed workers before it gives up and fails. */
const MAX_RESPAWNS = 3;

/**
 * Pool size for this device: `navigator.hardwareConcurrency` clamped to [1, {@link MAX_POOL_SIZE}].
 * @param hardwareConcurrency defaults to `navigator.hardwareConcurrency` (1 when unknown)
 */
export function defaultPoolSize(hardwareConcurrency?: number): number {
  const hc = hardwareConcurrency ?? (typeof navigator === 'object' ? navigator.hardwareConcurrency : 1);
  if (typeof hc !== 'number' || !Number.isFinite(hc) || hc < 1) return 1;
  return Math.min(MAX_POOL_SIZE, Math.floor(hc));
}

/** Options of {@link WorkerPool.run}. */
export interface RunOptions {
  /** Run on this worker (0..size−1) instead of the first idle one. */
  readonly worker?: number;
  /** Background priority: runs only when no normal task waits (e.g. precomputing nonces). */
  readonly idle?: boolean;
}

/** A pool of identical workers each exposing an object of type `T` through comlink. */
export interface WorkerPool<T> {
  /** Number of workers. */
  readonly size: number;
  /** True once {@link terminate} ran or the pool failed. */
  readonly terminated: boolean;
  /**
   * Queues `task`; it runs with the remote API of the first idle worker (or the pinned one).
   * Rejects with the worker's error (class restored for TypeError/RangeError), or with a pool error
   * when the pool is terminated or the worker crashes.
   */
  run<R>(task: (api: Remote<T>, workerIndex: number) => Promise<R>, options?: RunOptions): Promise<R>;
  /** Runs `task` once on every worker, in parallel; results in worker order. */
  broadcast<R>(task: (api: Remote<T>, workerIndex: number) => Promise<R>, options?: { idle?: boolean }): Promise<R[]>;
  /** Number of tasks queued or running. */
  pending(): number;
  /** Terminates every worker and rejects all queued and running tasks. Idempotent. */
  terminate(reason?: string): void;
}

interface Task {
  readonly run: (api: Remote<unknown>, index: number) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  api: Remote<unknown>;
  current: Task | undefined;
  /** Tasks pinned to this worker. */
  readonly queue: Task[];
  /** Background tasks pinned to this worker. */
  readonly idle: Task[];
}

/**
 * Restores the error class lost in comlink's serialisation (it rebuilds every error as `Error` with
 * the original `name`), so callers can rely on `instanceof RangeError` / `TypeError`.
 */
export function reviveError(error: unknown): unknown {
  if (!(error instanceof Error) || error.constructor !== Error) return error;
  const Ctor = error.name === 'TypeError' ? TypeError : error.name === 'RangeError' ? RangeError : undefined;
  if (!Ctor) return error;
  const revived = new Ctor(error.message);
  if (error.stack) revived.stack = error.stack;
  return revived;
}

/**
 * Creates a pool of `size` workers.
 * @param spawn creates worker number `index` (called again for a replacement after a crash)
 * @param size number of workers, integer in [1, 64]
 * @param name used in error messages, e.g. `crypto pool`
 */
export function createWorkerPool<T>(spawn: (index: number) => Worker, size: number, name = 'worker pool'): WorkerPool<T> {
  if (typeof spawn !== 'function') throw new TypeError(`${name}: spawn must be a function`);
  if (!Number.isInteger(size) || size < 1 || size > 64) {
    throw new RangeError(`${name}: size must be an integer in [1, 64], got ${String(size)}`);
  }
  const shared: Task[] = [];
  const sharedIdle: Task[] = [];
  const slots: Slot[] = [];
  let terminated = false;
  let failure = '';
  let respawns = 0;

  const start = (index: number): Slot => {
    const worker = spawn(index);
    const slot: Slot = { worker, api: wrap<unknown>(worker), current: undefined, queue: slots[index]?.queue ?? [], idle: slots[index]?.idle ?? [] };
    // Uncaught errors (e.g. the module failed to load) never answer comlink calls: fail the task instead.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      crash(index, slot, event.message || 'uncaught error (module failed to load?)');
    });
    worker.addEventListener('messageerror', () => crash(index, slot, 'a message could not be deserialised'));
    return slot;
  };

  const crash = (index: number, slot: Slot, message: string): void => {
    if (terminated || slots[index] !== slot) return;
    const task = slot.current;
    slot.current = undefined;
    slot.worker.terminate();
    task?.reject(new Error(`${name}: worker ${index} crashed: ${message}`));
    if (++respawns > MAX_RESPAWNS) {
      terminate(`too many worker crashes (last: ${message})`);
      return;
    }
    slots[index] = start(index);
    pump(index);
  };

  const pump = (index: number): void => {
    const slot = slots[index];
    if (terminated || !slot || slot.current) return;
    const task = slot.queue.shift() ?? shared.shift() ?? slot.idle.shift() ?? sharedIdle.shift();
    if (!task) return;
    slot.current = task;
    let promise: Promise<unknown>;
    try {
      promise = Promise.resolve(task.run(slot.api, index));
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => settle(index, slot, task, () => task.resolve(value)),
      (error: unknown) => settle(index, slot, task, () => task.reject(reviveError(error))),
    );
  };

  const settle = (index: number, slot: Slot, task: Task, done: () => void): void => {
    // A task already rejected by terminate() or a crash stays rejected.
    if (slot.current !== task) return;
    slot.current = undefined;
    done();
    pump(index);
  };

  const stoppedError = (): Error => new Error(`${name}: terminated${failure ? ` (${failure})` : ''}; create a new pool`);

  const terminate = (reason?: string): void => {
    if (terminated) return;
    terminated = true;
    failure = reason ?? '';
    const error = stoppedError();
    for (const slot of slots) {
      slot.api[releaseProxy]();
      slot.worker.terminate();
      const task = slot.current;
      slot.current = undefined;
      task?.reject(error);
      for (const queued of [...slot.queue.splice(0), ...slot.idle.splice(0)]) queued.reject(error);
    }
    for (const queued of [...shared.splice(0), ...sharedIdle.splice(0)]) queued.reject(error);
  };

  for (let i = 0; i < size; i++) slots.push(start(i));

  const run = <R>(task: (api: Remote<T>, workerIndex: number) => Promise<R>, options?: RunOptions): Promise<R> => {
    if (terminated) return Promise.reject(stoppedError());
    const pinned = options?.worker;
    if (pinned !== undefined && (!Number.isInteger(pinned) || pinned < 0 || pinned >= size)) {
      return Promise.reject(new RangeError(`${name}: worker must be an integer in [0, ${size - 1}], got ${String(pinned)}`));
    }
    return new Promise<R>((resolve, reject) => {
      const entry: Task = {
        run: task as unknown as Task['run'],
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      if (pinned !== undefined) {
        (options?.idle ? slots[pinned]!.idle : slots[pinned]!.queue).push(entry);
        pump(pinned);
      } else {
        (options?.idle ? sharedIdle : shared).push(entry);
        const idle = slots.findIndex((s) => !s.current);
        if (idle >= 0) pump(idle);
      }
    });
  };

  return {
    size,
    get terminated() {
      return terminated;
    },
    run,
    broadcast: (task, options) => Promise.all(slots.map((_, i) => run(task, { worker: i, idle: options?.idle ?? false }))),
    pending: () =>
      shared.length + sharedIdle.length + slots.reduce((acc, s) => acc + s.queue.length + s.idle.length + (s.current ? 1 : 0), 0),
    terminate,
  };
}
