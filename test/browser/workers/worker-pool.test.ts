import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerPool, defaultPoolSize, reviveError, type WorkerPool } from '../../../workers/worker-pool';
import type { EchoApi } from './fixtures/echo.worker';

const spawnEcho = (): Worker => new Worker(new URL('./fixtures/echo.worker.ts', import.meta.url), { type: 'module' });

let pool: WorkerPool<EchoApi> | undefined;
afterEach(() => pool?.terminate());

describe('defaultPoolSize', () => {
  it('clamps hardwareConcurrency to [1, 8]', () => {
    expect(defaultPoolSize(0)).toBe(1);
    expect(defaultPoolSize(Number.NaN)).toBe(1);
    expect(defaultPoolSize(1)).toBe(1);
    expect(defaultPoolSize(3)).toBe(3);
    expect(defaultPoolSize(64)).toBe(8);
    expect(defaultPoolSize()).toBe(Math.min(8, navigator.hardwareConcurrency));
  });
});

describe('createWorkerPool', () => {
  it('rejects a bad size', () => {
    expect(() => createWorkerPool(spawnEcho, 0)).toThrow(new RangeError('worker pool: size must be an integer in [1, 64], got 0'));
    expect(() => createWorkerPool(spawnEcho, 1.5)).toThrow(RangeError);
  });

  it('round-trips plain data with bigints through a worker', async () => {
    pool = createWorkerPool<EchoApi>(spawnEcho, 1);
    const value = { n: 2n ** 600n + 1n, list: [1n, -2n], label: 'x' };
    await expect(pool.run((api) => api.echo(value))).resolves.toEqual(value);
  });

  it('spreads concurrent tasks over every worker', async () => {
    pool = createWorkerPool<EchoApi>(spawnEcho, 3);
    const ids = await Promise.all(Array.from({ length: 9 }, () => pool!.run((api) => api.spin(30))));
    expect(new Set(ids).size).toBe(3);
    expect(pool.pending()).toBe(0);
  });

  it('runs pinned tasks on the chosen worker and broadcast on each', async () => {
    pool = createWorkerPool<EchoApi>(spawnEcho, 2);
    const all = await pool.broadcast((api) => api.whoami());
    expect(new Set(all).size).toBe(2);
    for (const i of [0, 1, 1, 0]) {
      await expect(pool.run((api) => api.whoami(), { worker: i })).resolves.toBe(all[i]);
    }
    await expect(pool.run((api) => api.whoami(), { worker: 2 })).rejects.toThrow(
      new RangeError('worker pool: worker must be an integer in [0, 1], got 2'),
    );
  });

  it('runs idle-priority tasks only when no normal task waits', async () => {
    pool = createWorkerPool<EchoApi>(spawnEcho, 1);
    const order: string[] = [];
    const track = (name: string) => () => void order.push(name);
    const a = pool.run((api) => api.spin(20), { idle: true }).then(track('idle A'));
    const b = pool.run((api) => api.spin(5), { idle: true, worker: 0 }).then(track('idle B'));
    const c = pool.run((api) => api.spin(5)).then(track('normal C'));
    const d = pool.run((api) => api.spin(5), { worker: 0 }).then(track('pinned D'));
    expect(pool.pending()).toBe(4);
    await Promise.all([a, b, c, d]);
    // A was already running; then pinned and shared normal work, then the remaining idle task.
    expect(order).toEqual(['idle A', 'pinned D', 'normal C', 'idle B']);
  });

  it('propagates worker errors with message and class', async () => {
    pool = createWorkerPool<EchoApi>(spawnEcho, 1);
    const range = pool.run((api) => api.fail('RangeError', 'value out of range: 42'));
    await expect(range).rejects.toBeInstanceOf(RangeError);
    await expect(range).rejects.toThrow('value out of range: 42');
    await expect(pool.run((api) => api.fail('TypeError', 'not a bigint'))).rejects.toBeInstanceOf(TypeError);
    await expect(pool.run((api) => api.fail('Error', 'plain failure'))).rejects.toThrow('plain failure');
    // The worker keeps serving after an error.
    await expect(pool.run((api) => api.echo(7))).resolves.toBe(7);
  });

  it('terminate rejects running and queued tasks, and later calls', async () => {
    pool = createWorkerPool<EchoApi>(spawnEcho, 1, 'test pool');
    const running = pool.run((api) => api.hang());
    const queued = pool.run((api) => api.echo(1));
    const background = pool.run((api) => api.echo(2), { idle: true });
    expect(pool.pending()).toBe(3);
    pool.terminate();
    expect(pool.terminated).toBe(true);
    await expect(running).rejects.toThrow('test pool: terminated; create a new pool');
    await expect(queued).rejects.toThrow('test pool: terminated; create a new pool');
    await expect(background).rejects.toThrow('test pool: terminated; create a new pool');
    await expect(pool.run((api) => api.echo(2))).rejects.toThrow('test pool: terminated; create a new pool');
    expect(pool.pending()).toBe(0);
    pool.terminate(); // idempotent
  });

  it('rejects the task of a crashed worker and replaces the worker', async () => {
    pool = createWorkerPool<EchoApi>(spawnEcho, 1, 'test pool');
    const before = await pool.run((api) => api.whoami());
    await expect(pool.run((api) => api.crash('boom'))).rejects.toThrow(/^test pool: worker 0 crashed: .*boom/);
    const after = await pool.run((api) => api.whoami());
    expect(after).not.toBe(before);
  });

  it('gives up after repeated crashes', async () => {
    pool = createWorkerPool<EchoApi>(spawnEcho, 1, 'test pool');
    for (let i = 0; i < 3; i++) await expect(pool.run((api) => api.crash(`boom ${i}`))).rejects.toThrow('crashed');
    await expect(pool.run((api) => api.crash('last'))).rejects.toThrow('crashed');
    expect(pool.terminated).toBe(true);
    await expect(pool.run((api) => api.echo(1))).rejects.toThrow(/terminated \(too many worker crashes \(last: .*last\)\)/);
  });
});

describe('reviveError', () => {
  it('restores TypeError and RangeError from comlink-style errors, leaves others', () => {
    const e = Object.assign(new Error('bad'), { name: 'RangeError' });
    const revived = reviveError(e);
    expect(revived).toBeInstanceOf(RangeError);
    expect((revived as Error).message).toBe('bad');
    const other = Object.assign(new Error('x'), { name: 'DataCloneError' });
    expect(reviveError(other)).toBe(other);
    expect(reviveError('str')).toBe('str');
  });
});
