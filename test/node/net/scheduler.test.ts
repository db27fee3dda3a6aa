import { describe, expect, it } from 'vitest';
import { createTaskQueue, macrotask, yieldingBackend, yieldToMain } from '../../../src/net/scheduler';
import { plainBackend } from '../../../src/protocol/crypto-backend';
import { dealPlainThresholdKey } from '../../../src/crypto/index';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('main-thread task slicing', () => {
  it('runs each job in its own macrotask, in order, microtasks of a job before the next job', async () => {
    const log: string[] = [];
    const q = createTaskQueue();
    for (const name of ['a', 'b', 'c']) {
      q.push(() => {
        log.push(name);
        void Promise.resolve().then(() => log.push(`${name}.micro`));
      });
    }
    expect(log).toEqual([]); // nothing runs synchronously
    expect(q.length).toBe(3);
    for (let i = 0; i < 10 && log.length < 6; i++) await tick();
    expect(log).toEqual(['a', 'a.micro', 'b', 'b.micro', 'c', 'c.micro']);
  });

  it('yields between jobs: a macrotask queued by job 1 runs before job 2', async () => {
    const log: string[] = [];
    const schedule = macrotask();
    const q = createTaskQueue({ schedule });
    q.push(() => { log.push('job1'); schedule(() => log.push('other task')); });
    q.push(() => log.push('job2'));
    for (let i = 0; i < 10 && log.length < 3; i++) await tick();
    expect(log).toEqual(['job1', 'other task', 'job2']);
  });

  it('a throwing job is reported and does not stop the queue; close drops pending jobs', async () => {
    const errors: unknown[] = [];
    const log: number[] = [];
    const q = createTaskQueue({ onError: (e) => errors.push(e) });
    q.push(() => { throw new Error('boom'); });
    q.push(() => log.push(2));
    for (let i = 0; i < 10 && log.length < 1; i++) await tick();
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    expect(log).toEqual([2]);
    q.push(() => log.push(3));
    q.close();
    q.push(() => log.push(4));
    for (let i = 0; i < 5; i++) await tick();
    expect(log).toEqual([2]);
    expect(() => createTaskQueue().push(42 as unknown as () => void)).toThrow(TypeError);
  });

  it('yieldingBackend starts every operation in a later macrotask and returns the inner results', async () => {
    const key = dealPlainThresholdKey({ bits: 256, holders: 3, threshold: 2 });
    const inner = plainBackend(key.publicKey);
    const b = yieldingBackend(inner);
    let started = false;
    const orig = inner.encryptVector.bind(inner);
    const spy = { ...inner, encryptVector: (p: readonly bigint[]) => { started = true; return orig(p); } };
    const y = yieldingBackend(spy);
    const p = y.encryptVector([1n, 2n]);
    expect(started).toBe(false); // not called synchronously
    await yieldToMain();
    await p;
    expect(started).toBe(true);
    const c = await b.encryptVector([5n, 7n]);
    const sum = await b.addVectors(c, c);
    const parts = await Promise.all(key.shares.slice(0, 2).map((s) => b.partialDecryptVector(s, sum)));
    expect(await b.combineVector(key.publicKey, parts)).toEqual([10n, 14n]);
    const m = await b.mergeScaled(c, 0, c, 1);
    expect(m.e).toBe(1);
    const mp = await Promise.all(key.shares.slice(0, 2).map((s) => b.partialDecryptVector(s, m.c)));
    expect(await b.combineVector(key.publicKey, mp)).toEqual([15n, 21n]);
    expect(b.name).toBe(inner.name);
    expect(b.ciphertextBytes).toBe(inner.ciphertextBytes);
    expect(b.isValidCiphertext(c[0]!)).toBe(inner.isValidCiphertext(c[0]!));
  });
});
