/**
 * The crypto pool's device admission and time-sized chunks: an expensive call waits for a device slot
 * and runs its short chunks while holding it (calls served in arrival order); cheap calls skip the
 * gate; results are unchanged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createChunkSizer, TARGET_CHUNK_MS, type ChunkSizer } from '../../../workers/chunk-sizer';
import { createCryptoPool, PROBE_CHUNK, UNGATED_BELOW_MS, type CryptoPool } from '../../../workers/pool';
import { deviceSlots, type Admission, type Release } from '../../../workers/admission';

describe('createChunkSizer', () => {
  it('sizes chunks from the measured cost per element', () => {
    const s = createChunkSizer(20);
    expect(s.targetMs).toBe(20);
    expect(s.msPerItem('op')).toBeUndefined();
    expect(s.limit('op')).toBe(Infinity);
    s.record('op', 4, 40); // 10 ms per element
    expect(s.msPerItem('op')).toBe(10);
    expect(s.limit('op')).toBe(2);
    s.record('op', 1, 100); // an outlier moves the average only part of the way
    expect(s.msPerItem('op')).toBeCloseTo(10 + 0.3 * 90);
    expect(s.minMsPerItem('op')).toBe(10);
    expect(s.limit('op')).toBe(1); // never below one element
    s.record('cheap', 100, 0);
    expect(s.limit('cheap')).toBe(Infinity);
  });

  it('ignores invalid samples and rejects a bad target', () => {
    const s = createChunkSizer();
    expect(s.targetMs).toBe(TARGET_CHUNK_MS);
    for (const [items, ms] of [[0, 5], [-1, 5], [1.5, 5], [2, -1], [2, Number.NaN], [2, Infinity]] as const) s.record('op', items, ms);
    expect(s.msPerItem('op')).toBeUndefined();
    expect(() => createChunkSizer(0)).toThrow(RangeError);
    expect(() => createChunkSizer(Number.NaN)).toThrow(RangeError);
  });
});

/** A one-device admission with `slots` slots (FIFO), logging who takes and gives back a slot. */
function loggingGate(slots: number): Admission & { log: string[]; max: number; held: number } {
  const waiting: Array<() => void> = [];
  const gate = {
    slots, log: [] as string[], max: 0, held: 0,
    take(): Release {
      gate.held++;
      gate.max = Math.max(gate.max, gate.held);
      gate.log.push('take');
      let done = false;
      return async () => {
        if (done) return;
        done = true;
        gate.held--;
        gate.log.push('give');
        waiting.shift()?.();
      };
    },
    acquire(): Promise<Release> {
      if (gate.held < slots) return Promise.resolve(gate.take());
      return new Promise<Release>((r) => waiting.push(() => r(gate.take())));
    },
    tryAcquire: (): Promise<Release | null> => Promise.resolve(gate.held < slots ? gate.take() : null),
    async run<T>(work: () => Promise<T>): Promise<T> {
      const release = await gate.acquire();
      try { return await work(); } finally { await release(); }
    },
  };
  return gate;
}

/** A chunk sizer that believes every element costs `ms` (so the test controls the chunk sizes). */
const fixedCost = (ms: number, targetMs = 20): ChunkSizer => ({
  targetMs,
  msPerItem: () => ms,
  minMsPerItem: () => ms,
  limit: () => (ms > 0 ? Math.max(1, Math.floor(targetMs / ms)) : Infinity),
  record: () => {},
});

let pool: CryptoPool | undefined;
afterEach(() => pool?.terminate());

describe('crypto pool admission', () => {
  it('runs an expensive call as one-element chunks under one device slot', async () => {
    const gate = loggingGate(1);
    pool = createCryptoPool({ size: 2, admission: gate, chunkSizer: fixedCost(30) });
    expect(pool.slots).toBe(1);
    const sk = await pool.generateKeyPair(256);
    expect(pool.stats().holds).toBe(1); // key generation takes a slot too
    const values = Array.from({ length: 8 }, (_, i) => BigInt(i * 3 + 1));
    const cts = await pool.encryptVector(sk.publicKey, values);
    await expect(pool.decryptVector(sk, cts)).resolves.toEqual(values);
    const st = pool.stats();
    expect(st.chunks).toBe(16); // 30 ms per element > the 20 ms target: one element per chunk
    expect(st.holds).toBe(3); // one slot per call, kept across its chunks
    expect(gate.max).toBe(1);
    expect(gate.held).toBe(0);
  });

  it('serves calls in arrival order: the second waits for the whole first call', async () => {
    const gate = loggingGate(1);
    pool = createCryptoPool({ size: 2, admission: gate, chunkSizer: fixedCost(30) });
    const sk = await pool.generateKeyPair(256);
    gate.log.length = 0;
    const order: string[] = [];
    const a = pool.encryptVector(sk.publicKey, [1n, 2n, 3n, 4n, 5n]).then(() => order.push('a'));
    const b = pool.encryptVector(sk.publicKey, [6n, 7n]).then(() => order.push('b'));
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(gate.log).toEqual(['take', 'give', 'take', 'give']);
  });

  it('uses more workers only through slots that are free right now', async () => {
    const gate = loggingGate(2);
    pool = createCryptoPool({ size: 2, admission: gate, chunkSizer: fixedCost(30) });
    const sk = await pool.generateKeyPair(256);
    const before = pool.stats().holds;
    const values = Array.from({ length: 6 }, (_, i) => BigInt(i));
    await expect(pool.decryptVector(sk, await pool.encryptVector(sk.publicKey, values))).resolves.toEqual(values);
    expect(pool.stats().holds - before).toBe(4); // two lanes per call
    expect(gate.max).toBe(2);
  });

  it('keeps cheap calls out of the gate and learns unknown costs with a probe chunk', async () => {
    const gate = loggingGate(1);
    pool = createCryptoPool({ size: 2, admission: gate, chunkSizer: fixedCost(0.1) });
    const sk = await pool.generateKeyPair(256);
    const before = pool.stats();
    const a = Array.from({ length: 16 }, (_, i) => BigInt(i));
    const ca = await pool.encryptVector(sk.publicKey, a);
    const sum = await pool.addMany(sk.publicKey, [ca, ca]);
    expect(pool.stats().holds).toBe(before.holds); // 0.1 ms × 8 elements per chunk < UNGATED_BELOW_MS
    expect(0.1 * 8).toBeLessThan(UNGATED_BELOW_MS);
    await expect(pool.decryptVector(sk, sum)).resolves.toEqual(a.map((x) => 2n * x));
    // A real sizer: the first call of an operation runs a one-element probe first. Its clock ticks 1 ms
    // per reading, so measured costs (and thus the split) do not depend on the machine's load.
    let tick = 0;
    const probing = createCryptoPool({ size: 2, admission: null, now: () => ++tick });
    try {
      const key = await probing.generateKeyPair(256);
      await probing.encryptVector(key.publicKey, a);
      const first = probing.stats().chunks;
      await probing.encryptVector(key.publicKey, a);
      expect(PROBE_CHUNK).toBe(1);
      expect(first - PROBE_CHUNK).toBe(probing.stats().chunks - first); // same split, minus the probe
    } finally {
      probing.terminate();
    }
  });

  it('null admission runs ungated; the default uses the device slots', async () => {
    pool = createCryptoPool({ size: 1, admission: null });
    expect(pool.slots).toBe(0);
    const sk = await pool.generateKeyPair(256);
    await expect(pool.decryptVector(sk, await pool.encryptVector(sk.publicKey, [5n, 6n, 7n, 8n, 9n]))).resolves.toEqual([5n, 6n, 7n, 8n, 9n]);
    expect(pool.stats().holds).toBe(0);
    pool.terminate();
    pool = createCryptoPool({ size: 1 });
    expect(pool.slots).toBe(deviceSlots());
  });
});
