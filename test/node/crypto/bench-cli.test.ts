import { describe, expect, it } from 'vitest';
import { paillierGoals, paillierTable, parseArgs } from '../../../bench/run';
import { formatTable, median, timeOp } from '../../../bench/table';

describe('bench CLI', () => {
  it('parses --quick, --browser, --json FILE and --json=FILE', () => {
    const log = (): void => {};
    expect(parseArgs([], log)).toMatchObject({ quick: false, browser: false, json: undefined });
    expect(parseArgs(['--quick', '--browser', '--json', 'out.json'], log)).toMatchObject({ quick: true, browser: true, json: 'out.json' });
    expect(parseArgs(['--json=x.json'], log)).toMatchObject({ json: 'x.json' });
    expect(parseArgs(['--help'], log)).toBe('help');
  });
  it('rejects unknown options and a missing file name with a clear message', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/^unknown option '--fast'\nusage: npm run bench/);
    expect(() => parseArgs(['--json'])).toThrow(/^--json needs a file name/);
    expect(() => parseArgs(['--json', '--quick'])).toThrow(/^--json needs a file name/);
  });
  it('pivots rows by key size and checks the 2048-bit goals', () => {
    const rows = [
      { backend: 'bigint', bits: 1024, op: 'decrypt', msPerOp: 3.21 },
      { backend: 'bigint', bits: 2048, op: 'decrypt', msPerOp: 20.5 },
      { backend: 'bigint', bits: 2048, op: 'encryptOnline', msPerOp: 0.05 },
      { backend: 'bigint-djn', bits: 2048, op: 'encrypt', msPerOp: 2.5 },
    ];
    const lines = paillierTable(rows).split('\n');
    expect(lines[0]).toMatch(/^backend\s+op\s+1024\s+2048$/);
    expect(lines[2]).toMatch(/^bigint\s+decrypt\s+3\.21\s+20\.5$/);
    expect(lines[3]).toMatch(/encryptOnline\s+-\s+0\.0500$/);
    const goals = paillierGoals(rows).join('\n');
    expect(goals).toContain('OK   encryptOnline (bigint): 0.0500 ms (goal ≤ 1 ms)');
    expect(goals).toContain('OK   encrypt, DJN (bigint-djn): 2.50 ms (goal ≤ 6.97 ms)');
    expect(goals).toContain('MISS decrypt, CRT (bigint): 20.5 ms (goal ≤ 5.7 ms)');
  });
  it('helpers: median, table alignment, timeOp batches fast calls', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
    expect(formatTable(['a', 'b'], [['x', 1.5], ['yy', 1234]])).toBe('a      b\n--  ----\nx   1.50\nyy  1234');
    expect(formatTable(['k', 'v'], [['a', [1, 2]], ['b', true], ['c', 5n], ['d', 30]])).toBe('k      v\n-  -----\na  [1,2]\nb   true\nc      5\nd     30');
    let calls = 0;
    const ms = timeOp(() => { calls++; }, { reps: 3, minSampleMs: 1 });
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(calls).toBeGreaterThan(3); // batched: many calls per sample
    calls = 0;
    timeOp(() => { calls++; }, { reps: 2, minSampleMs: 0 });
    expect(calls).toBe(2); // no warm-up: exactly one call per sample
  });
});
