import { describe, expect, it } from 'vitest';
import { cpuShares, createCpuMeter, parseProcStat, type CpuTimes } from '../../../scripts/lib/machine-cpu';

describe('machine CPU shares from /proc/stat', () => {
  it('parses the aggregate cpu line (a known vector) and refuses malformed ones', () => {
    const text = 'cpu  4237040 98003 629392 2980782 3474 0 25467 152115 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1\n';
    expect(parseProcStat(text)).toEqual({ busy: 4237040 + 98003 + 629392 + 0 + 25467, idle: 2980782 + 3474, steal: 152115 });
    expect(() => parseProcStat('intr 1\n')).toThrow(/no aggregate "cpu" line/);
    expect(() => parseProcStat('cpu  1 2 3\n')).toThrow(/expected 8 tick counts/);
    expect(() => parseProcStat('cpu  1 2 3 x 5 6 7 8\n')).toThrow(/expected 8 tick counts/);
  });

  it('shares between two readings; null without two readings, without time or when a counter went back', () => {
    const a: CpuTimes = { busy: 100, idle: 100, steal: 10 };
    expect(cpuShares(a, { busy: 250, idle: 130, steal: 30 })).toEqual({ busy: 0.75, steal: 0.1 });
    expect(cpuShares(null, a)).toBeNull();
    expect(cpuShares(a, a)).toBeNull();
    expect(cpuShares(a, { busy: 90, idle: 200, steal: 10 })).toBeNull();
  });

  it('a meter reads at most once per window and keeps the worst window of steal', async () => {
    const readings: CpuTimes[] = [
      { busy: 0, idle: 0, steal: 0 },
      { busy: 90, idle: 100, steal: 10 }, // 5 % stolen
      { busy: 150, idle: 100, steal: 50 }, // 40 % stolen
      { busy: 250, idle: 200, steal: 50 }, // none
    ];
    let reads = 0;
    const meter = createCpuMeter(1000, async () => readings[reads++]!);
    await meter.sample(0);
    await meter.sample(500); // within the window: not read
    await meter.sample(1000);
    await meter.sample(2000);
    expect(reads).toBe(3);
    const m = await meter.finish();
    expect(m!.busy).toBeCloseTo(250 / 500, 12);
    expect(m!.steal).toBeCloseTo(50 / 500, 12);
    expect(m!.peakSteal).toBeCloseTo(0.4, 12);
    expect(await createCpuMeter(1000, async () => null).finish()).toBeNull();
  });
});
