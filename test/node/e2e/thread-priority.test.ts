import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lowerAllThreads } from '../../../scripts/lib/thread-priority';

/** Runs `lowerAllThreads(10)` in a fresh Node process (not this test runner) and reports each thread's nice value. */
function inChild(): { before: number[]; lowered: number[]; restored: number[]; root: boolean } {
  const code = `
    import { getPriority } from 'node:os';
    import { readFile } from 'node:fs/promises';
    import { lowerAllThreads, ownThreadIds } from './scripts/lib/thread-priority.ts';
    await readFile('package.json'); // starts libuv's thread pool, the threads the runner used to miss
    const read = () => ownThreadIds().map((t) => { try { return getPriority(t); } catch { return null; } }).filter((p) => p !== null);
    const before = read();
    const restore = lowerAllThreads(10);
    const lowered = read();
    restore();
    console.log(JSON.stringify({ before, lowered, restored: read(), root: process.getuid?.() === 0 }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' })) as ReturnType<typeof inChild>;
}

describe('lowerAllThreads', () => {
  it('lowers every thread of the process, the pool threads too, and restores them where permitted', () => {
    const { before, lowered, restored, root } = inChild();
    expect(before.length).toBeGreaterThan(4); // main + libuv pool (4) + V8 helpers
    expect(before.every((p) => p < 10)).toBe(true);
    expect(lowered).toHaveLength(before.length);
    expect(lowered.every((p) => p === 10)).toBe(true);
    if (root) expect(restored).toEqual(before);
  }, 30_000);

  it('refuses a nice value outside [-20, 19] or not an integer', () => {
    expect(() => lowerAllThreads(20)).toThrow(/integer in \[-20, 19\], got 20/);
    expect(() => lowerAllThreads(1.5)).toThrow(/got 1.5/);
    expect(() => lowerAllThreads(-21)).toThrow(/got -21/);
  });
});
