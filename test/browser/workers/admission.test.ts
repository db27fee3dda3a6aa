import { describe, expect, it } from 'vitest';
import { createAdmission, deviceSlots, UNGATED, type Admission, type LockManagerLike } from '../../../workers/admission';

/** An in-memory lock manager with the Web Locks semantics the admission relies on (FIFO per name, abort). */
function fakeLocks(): LockManagerLike & { held: Set<string>; waiting: () => number; requests: number } {
  const held = new Set<string>();
  const queues = new Map<string, Array<() => void>>();
  const next = (name: string): void => {
    if (held.has(name)) return;
    queues.get(name)?.shift()?.();
  };
  const self = {
    held,
    requests: 0,
    waiting: () => [...queues.values()].reduce((a, q) => a + q.length, 0),
    request<T>(name: string, options: { signal?: AbortSignal; ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T> | T): Promise<T> {
      self.requests++;
      return new Promise<T>((resolve, reject) => {
        const q = queues.get(name) ?? [];
        queues.set(name, q);
        if (options.ifAvailable && (held.has(name) || q.length > 0)) {
          Promise.resolve().then(() => callback(null)).then(resolve, reject);
          return;
        }
        const grant = (): void => {
          options.signal?.removeEventListener('abort', onAbort);
          held.add(name);
          Promise.resolve()
            .then(() => callback({ name }))
            .then(resolve, reject)
            .finally(() => { held.delete(name); next(name); });
        };
        const onAbort = (): void => {
          const i = q.indexOf(grant);
          if (i >= 0) q.splice(i, 1);
          reject(new DOMException('withdrawn', 'AbortError'));
        };
        if (options.signal?.aborted) { reject(new DOMException('withdrawn', 'AbortError')); return; }
        options.signal?.addEventListener('abort', onAbort);
        q.push(grant);
        next(name);
      });
    },
  };
  return self;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts `n` works of `ms` each through `gate`; reports the most that ran at once and the start order. */
async function contend(gates: Admission[], n: number, ms: number): Promise<{ max: number; order: number[]; results: number[] }> {
  let running = 0, max = 0;
  const order: number[] = [];
  const results = await Promise.all(Array.from({ length: n }, (_, i) => gates[i % gates.length]!.run(async () => {
    order.push(i);
    max = Math.max(max, ++running);
    await sleep(ms);
    running--;
    return i * 10;
  })));
  return { max, order, results };
}

describe('deviceSlots', () => {
  it('keeps one core free: hardwareConcurrency − 1, at least 1', () => {
    expect(deviceSlots(1)).toBe(1);
    expect(deviceSlots(2)).toBe(1);
    expect(deviceSlots(4)).toBe(3);
    expect(deviceSlots(8.7)).toBe(7);
    expect(deviceSlots(0)).toBe(1);
    expect(deviceSlots(Number.NaN)).toBe(1);
    expect(deviceSlots(1000)).toBe(64);
    expect(deviceSlots()).toBe(Math.max(1, navigator.hardwareConcurrency - 1));
  });
});

describe('createAdmission with an injected lock manager', () => {
  it('lets one work run at a time with one slot, in arrival order, and returns each result', async () => {
    const locks = fakeLocks();
    const gate = createAdmission({ locks, slots: 1 });
    expect(gate.slots).toBe(1);
    const r = await contend([gate], 6, 5);
    expect(r.max).toBe(1);
    expect(r.order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.results).toEqual([0, 10, 20, 30, 40, 50]);
    expect(locks.held.size).toBe(0);
    expect(locks.waiting()).toBe(0);
  });

  it('runs up to `slots` works at once and withdraws the requests that lost', async () => {
    const locks = fakeLocks();
    const gate = createAdmission({ locks, slots: 3 });
    const r = await contend([gate], 10, 10);
    expect(r.max).toBe(3);
    expect(r.results).toEqual(Array.from({ length: 10 }, (_, i) => i * 10));
    // Each call queued on all three slots; none is left behind.
    expect(locks.requests).toBe(30);
    expect(locks.held.size).toBe(0);
    expect(locks.waiting()).toBe(0);
  });

  it('shares the slots between admissions of one lock manager (two tabs of one device)', async () => {
    const locks = fakeLocks();
    const tabA = createAdmission({ locks, slots: 2 });
    const tabB = createAdmission({ locks, slots: 2 });
    expect((await contend([tabA, tabB], 8, 5)).max).toBe(2);
    const other = createAdmission({ locks, slots: 2, prefix: 'another-app-' });
    expect((await contend([tabA, other], 8, 5)).max).toBe(4);
  });

  it('acquire waits for a free slot; tryAcquire takes one only if free now; release frees it', async () => {
    const locks = fakeLocks();
    const gate = createAdmission({ locks, slots: 1 });
    const first = await gate.acquire();
    expect(locks.held.size).toBe(1);
    await expect(gate.tryAcquire()).resolves.toBeNull();
    let second: (() => Promise<void>) | undefined;
    const waiting = gate.acquire().then((r) => { second = r; });
    await sleep(10);
    expect(second).toBeUndefined();
    await first(); // resolves once the slot was given up: straight to the next in line
    await waiting;
    expect(second).toBeDefined();
    expect(locks.held.size).toBe(1);
    await first(); // idempotent: does not release someone else's slot
    expect(locks.held.size).toBe(1);
    await second!();
    const now = await gate.tryAcquire();
    expect(now).not.toBeNull();
    expect(locks.held.size).toBe(1);
    await now!();
    expect(locks.held.size).toBe(0);
    expect(locks.waiting()).toBe(0);
  });

  it('a failing work rejects its call and frees its slot', async () => {
    const gate = createAdmission({ locks: fakeLocks(), slots: 1 });
    const bad = gate.run(async () => { throw new RangeError('boom'); });
    const good = gate.run(async () => 7);
    const sync = gate.run((() => { throw new TypeError('sync boom'); }) as () => Promise<number>);
    await expect(bad).rejects.toThrow(new RangeError('boom'));
    await expect(good).resolves.toBe(7);
    await expect(sync).rejects.toThrow(new TypeError('sync boom'));
  });

  it('releases a slot held longer than maxHoldMs; the long work still completes', async () => {
    let fire: (() => void) | undefined;
    const timer = { set: (fn: () => void) => { fire = fn; return 1; }, clear: () => { fire = undefined; } };
    const gate = createAdmission({ locks: fakeLocks(), slots: 1, maxHoldMs: 50, timer });
    let finishLong: (v: string) => void = () => {};
    const long = gate.run(() => new Promise<string>((r) => { finishLong = r; }));
    let second = false;
    const next = gate.run(async () => { second = true; return 'second'; });
    await sleep(10);
    expect(second).toBe(false); // still waiting behind the long work
    expect(fire).toBeDefined();
    fire!(); // the hold limit passes
    await expect(next).resolves.toBe('second');
    finishLong('long');
    await expect(long).resolves.toBe('long');
  });

  it('runs ungated when there is no lock manager, and falls back when it fails', async () => {
    expect(createAdmission({ locks: null })).toBe(UNGATED);
    expect((await contend([UNGATED], 4, 5)).max).toBe(4);
    await expect(UNGATED.tryAcquire()).resolves.toBeNull();
    await (await UNGATED.acquire())();
    const warnings: unknown[] = [];
    const broken: LockManagerLike = { request: () => Promise.reject(new DOMException('denied', 'SecurityError')) };
    const gate = createAdmission({ locks: broken, slots: 2, onFallback: (e) => warnings.push(e) });
    await expect(gate.run(async () => 1)).resolves.toBe(1);
    await expect(gate.run(async () => 2)).resolves.toBe(2);
    expect(warnings).toHaveLength(1);
    const throwing: LockManagerLike = { request: () => { throw new Error('no locks here'); } };
    await expect(createAdmission({ locks: throwing, slots: 1, onFallback: () => {} }).run(async () => 3)).resolves.toBe(3);
  });

  it('rejects bad options', () => {
    const locks = fakeLocks();
    expect(() => createAdmission({ locks, slots: 0 })).toThrow(new RangeError('createAdmission: slots must be an integer in [1, 64], got 0'));
    expect(() => createAdmission({ locks, slots: 1.5 })).toThrow(RangeError);
    expect(() => createAdmission({ locks, maxHoldMs: 0 })).toThrow(RangeError);
    expect(() => createAdmission({ locks, prefix: '' })).toThrow(TypeError);
    expect(() => createAdmission({ locks: {} as LockManagerLike })).toThrow(TypeError);
  });
});

describe('createAdmission with the browser Web Locks', () => {
  const unique = (): string => `test-${crypto.getRandomValues(new Uint32Array(2)).join('-')}-`;

  it('uses navigator.locks by default, with hardwareConcurrency − 1 slots', async () => {
    expect(typeof navigator.locks?.request).toBe('function');
    const prefix = unique();
    const gate = createAdmission({ prefix });
    expect(gate.slots).toBe(deviceSlots());
    const names = await gate.run(async () => (await navigator.locks.query()).held?.map((l) => l.name ?? '') ?? []);
    expect(names.some((n) => n.startsWith(prefix))).toBe(true);
    expect(((await navigator.locks.query()).held ?? []).some((l) => l.name?.startsWith(prefix))).toBe(false);
    const one = createAdmission({ prefix, slots: 1 });
    const release = await one.acquire();
    await expect(one.tryAcquire()).resolves.toBeNull();
    await release();
    const again = await one.tryAcquire();
    expect(again).not.toBeNull();
    await again!();
  });

  it('two admissions of one origin never exceed the slots together', async () => {
    const prefix = unique();
    const a = createAdmission({ prefix, slots: 1 });
    const b = createAdmission({ prefix, slots: 1 });
    expect((await contend([a, b], 6, 5)).max).toBe(1);
    const wide = [createAdmission({ prefix: unique(), slots: 2 }), createAdmission({ prefix: unique(), slots: 2 })];
    expect((await contend(wide, 8, 10)).max).toBeGreaterThan(1);
  });

  it('a worker of the same origin holding the slot keeps the page waiting (device-wide gate)', async () => {
    const prefix = unique();
    const code = `onmessage = (e) => { if (e.data === 'hold') navigator.locks.request(${JSON.stringify(`${prefix}0`)}, () => new Promise((release) => { postMessage('held'); onmessage = () => release(); })); };`;
    const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    try {
      const held = new Promise((r) => { worker.onmessage = r; });
      worker.postMessage('hold');
      await held;
      let ran = false;
      const gate = createAdmission({ prefix, slots: 1 });
      const work = gate.run(async () => { ran = true; return 'ran'; });
      await sleep(50);
      expect(ran).toBe(false);
      worker.postMessage('release');
      await expect(work).resolves.toBe('ran');
    } finally {
      worker.terminate();
    }
  });
});
