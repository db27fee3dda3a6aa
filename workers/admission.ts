/**
 * Device-level admission of crypto work. Every tab of one origin on one device shares that device's
 * cores: twelve tabs with a crypto worker each on a 2-core laptop keep both cores busy with modexps
 * and starve every tab's main thread. An {@link Admission} lets at most `slots` holders run crypto at
 * once across all same-origin tabs and workers of the browser, through the Web Locks API
 * (`navigator.locks`, shared by every same-origin context), with `max(1, hardwareConcurrency − 1)`
 * slots by default: one core always stays free for main threads.
 *
 * Waiting costs nothing (a pending lock request) and each slot's queue is FIFO across tabs. The crypto
 * pool (./pool.ts) takes one slot per call and keeps it across the call's short chunks for at most a
 * quantum, so the wait for a slot is bounded by the holds queued before it. A slot held longer than
 * `maxHoldMs` is released by itself (the work continues ungated), so a stuck or very long operation
 * cannot block the device's other tabs forever. Where `navigator.locks` is missing (insecure http
 * origins other than localhost, old browsers) or fails, work runs ungated.
 * @module
 */

/** The part of the Web Locks `LockManager` an admission needs (injectable for tests). */
export interface LockManagerLike {
  request<T>(name: string, options: { signal?: AbortSignal; ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T> | T): Promise<T>;
}

/** Gives a held slot back; resolves once the slot is free for others. Idempotent. */
export type Release = () => Promise<void>;

/** Gate for crypto work shared by every same-origin context of the device. */
export interface Admission {
  /** Concurrent slots on this device; 0 when ungated. */
  readonly slots: number;
  /**
   * Waits for a free slot (FIFO per slot across the device) and resolves with its release. A slot
   * not released within `maxHoldMs` is released by itself.
   */
  acquire(): Promise<Release>;
  /** A slot that is free right now, without waiting; null when every slot is taken (or when ungated). */
  tryAcquire(): Promise<Release | null>;
  /**
   * Runs `work` in a slot of its own, released when the work settles (or after `maxHoldMs`); the
   * returned promise settles once the slot is free again.
   */
  run<T>(work: () => Promise<T>): Promise<T>;
}

/** Options of {@link createAdmission}. */
export interface AdmissionOptions {
  /** Lock manager; default `navigator.locks`; `null` disables gating. */
  readonly locks?: LockManagerLike | null;
  /** Slots; default {@link deviceSlots} of `hardwareConcurrency`. Integer in [1, 64]. */
  readonly slots?: number;
  /** Used for the default slot count; default `navigator.hardwareConcurrency`. */
  readonly hardwareConcurrency?: number;
  /** Lock name prefix (slot i is `${prefix}${i}`); default {@link CRYPTO_LOCK_PREFIX}. */
  readonly prefix?: string;
  /** Longest time one piece of work keeps its slot, ms; default {@link MAX_HOLD_MS}. */
  readonly maxHoldMs?: number;
  /** Timer for the hold limit; default `setTimeout`/`clearTimeout`. */
  readonly timer?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
  /** Told once when the lock manager fails and gating is switched off (default: `console.warn`). */
  readonly onFallback?: (error: unknown) => void;
}

/** Lock names of the crypto slots: `chiaroscuro-crypto-0`, `chiaroscuro-crypto-1`, … */
export const CRYPTO_LOCK_PREFIX = 'chiaroscuro-crypto-';

/** Default longest hold of a slot: far above a normal hold, short enough that a stuck holder does not stall the device. */
export const MAX_HOLD_MS = 5000;

/** Starts `work`; a synchronous throw becomes a rejection. */
const start = <T>(work: () => Promise<T>): Promise<T> => {
  try { return Promise.resolve(work()); } catch (e) { return Promise.reject(e); }
};

const released: Release = () => Promise.resolve();

/** Work is admitted without any gate. */
export const UNGATED: Admission = Object.freeze({
  slots: 0,
  acquire: (): Promise<Release> => Promise.resolve(released),
  tryAcquire: (): Promise<Release | null> => Promise.resolve(null),
  run: <T>(work: () => Promise<T>): Promise<T> => start(work),
});

/**
 * Crypto slots for a device with `hardwareConcurrency` logical cores: all but one, at least one.
 * @param hardwareConcurrency defaults to `navigator.hardwareConcurrency` (1 when unknown or invalid)
 */
export function deviceSlots(hardwareConcurrency?: number): number {
  const hc = hardwareConcurrency ?? (typeof navigator === 'object' ? navigator.hardwareConcurrency : 1);
  if (typeof hc !== 'number' || !Number.isFinite(hc) || hc < 1) return 1;
  return Math.max(1, Math.min(64, Math.floor(hc) - 1));
}

const defaultLocks = (): LockManagerLike | null => {
  const nav = typeof navigator === 'object' ? (navigator as { locks?: unknown }) : undefined;
  const locks = nav?.locks as LockManagerLike | undefined;
  return locks && typeof locks.request === 'function' ? locks : null;
};

/**
 * Creates the device's crypto admission (see the module comment).
 * @example
 * const gate = createAdmission();                    // navigator.locks, hardwareConcurrency − 1 slots
 * const cts = await gate.run(() => api.encryptVector(pk, chunk, 'djn'));
 */
export function createAdmission(options: AdmissionOptions = {}): Admission {
  const locks = options.locks === undefined ? defaultLocks() : options.locks;
  if (locks === null) return UNGATED;
  if (typeof locks !== 'object' || typeof locks.request !== 'function') throw new TypeError('createAdmission: locks must have a request method');
  const slots = options.slots ?? deviceSlots(options.hardwareConcurrency);
  if (!Number.isInteger(slots) || slots < 1 || slots > 64) throw new RangeError(`createAdmission: slots must be an integer in [1, 64], got ${String(slots)}`);
  const prefix = options.prefix ?? CRYPTO_LOCK_PREFIX;
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.startsWith('-')) {
    throw new TypeError('createAdmission: prefix must be a non-empty string not starting with "-"');
  }
  const maxHoldMs = options.maxHoldMs ?? MAX_HOLD_MS;
  if (typeof maxHoldMs !== 'number' || !(maxHoldMs > 0)) throw new RangeError(`createAdmission: maxHoldMs must be > 0, got ${String(maxHoldMs)}`);
  const timer = options.timer ?? { set: (fn: () => void, ms: number): unknown => setTimeout(fn, ms), clear: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  const onFallback = options.onFallback ?? ((e: unknown) => console.warn('crypto admission: Web Locks failed, running ungated:', e));
  const names = Array.from({ length: slots }, (_, i) => `${prefix}${i}`);
  let broken = false;
  const settled = (p: Promise<unknown>): Promise<void> => p.then(() => {}, () => {});

  /** Holds a granted lock until released or for maxHoldMs; `give` receives the release. */
  const holdLock = (give: (release: Release) => void, freed: () => Promise<void>): Promise<void> => {
    let unlock: () => void = () => {};
    const held = new Promise<void>((r) => { unlock = r; });
    const handle = timer.set(unlock, maxHoldMs);
    void held.then(() => timer.clear(handle));
    let once = false;
    // The release resolves once the lock manager freed the slot (the request settled).
    give(() => { if (!once) { once = true; unlock(); } return freed(); });
    return held;
  };

  /** The lock manager failed (e.g. a sandboxed document): from now on, no gating. */
  const degrade = (e: unknown): void => {
    if (!broken) { broken = true; onFallback(e); }
  };

  /** Queues on every slot; the first grant wins and withdraws the other requests. */
  const acquire = (): Promise<Release> => {
    if (broken) return Promise.resolve(released);
    return new Promise<Release>((resolve) => {
      const withdraw = new AbortController();
      let granted = false;
      let failures = 0;
      for (const name of names) {
        let request: Promise<unknown> = Promise.resolve();
        const callback = (): Promise<void> | undefined => {
          if (granted) return undefined; // a later grant of an already admitted call: release at once
          granted = true;
          if (names.length > 1) withdraw.abort();
          return holdLock(resolve, () => settled(request));
        };
        try {
          request = Promise.resolve(locks.request(name, names.length > 1 ? { signal: withdraw.signal } : {}, callback));
        } catch (e) {
          request = Promise.reject(e);
        }
        request.catch((e: unknown) => {
          if (granted) return; // withdrawn after another slot won (AbortError), or already degraded
          if (++failures < names.length) return;
          degrade(e);
          granted = true;
          resolve(released);
        });
      }
    });
  };

  /** One slot with `ifAvailable`: its release, or null when taken (or on failure). */
  const tryOne = (name: string): Promise<Release | null> =>
    new Promise<Release | null>((answer) => {
      let request: Promise<unknown> = Promise.resolve();
      const callback = (lock: unknown): Promise<void> | undefined => {
        if (!lock) { answer(null); return undefined; }
        return holdLock(answer, () => settled(request));
      };
      try {
        request = Promise.resolve(locks.request(name, { ifAvailable: true }, callback));
      } catch (e) {
        degrade(e);
        answer(null);
        return;
      }
      request.catch((e: unknown) => { degrade(e); answer(null); });
    });

  const tryAcquire = async (): Promise<Release | null> => {
    for (const name of names) {
      if (broken) return null;
      const release = await tryOne(name);
      if (release) return release;
    }
    return null;
  };

  return {
    slots,
    acquire,
    tryAcquire,
    async run<T>(work: () => Promise<T>): Promise<T> {
      const release = await acquire();
      try {
        return await start(work);
      } finally {
        await release();
      }
    },
  };
}
