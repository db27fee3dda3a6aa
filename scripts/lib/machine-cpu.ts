/**
 * Machine-wide CPU time from `/proc/stat` (Linux): how busy the cores were during a round, and how
 * much of their time the hypervisor gave to other guests (steal). On a shared VM, steal comes in
 * bursts (here up to a fifth of both cores for a second), and a round's long tasks then say more about
 * the host than about the swarm: the runner reports it next to them.
 * @module
 */
import { readFile } from 'node:fs/promises';

/** Cumulative CPU time of all cores, in clock ticks. */
export interface CpuTimes { busy: number; idle: number; steal: number }

/**
 * Parses the aggregate `cpu` line of `/proc/stat` (user nice system idle iowait irq softirq steal …).
 * @throws Error when there is no such line or a field is not a non-negative integer
 */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat: no aggregate "cpu" line');
  const f = line.trim().split(/\s+/).slice(1, 9);
  if (f.length < 8 || !f.every((x) => /^\d+$/.test(x))) throw new Error(`/proc/stat: expected 8 tick counts on the cpu line, got '${line}'`);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f.map(Number) as [number, number, number, number, number, number, number, number];
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}

/** The machine's CPU times now, or null where `/proc/stat` is unavailable (not Linux). */
export async function readCpuTimes(): Promise<CpuTimes | null> {
  try { return parseProcStat(await readFile('/proc/stat', 'utf8')); } catch { return null; }
}

/**
 * Shares of all CPU time between two readings: busy (this guest's work) and steal (taken by the
 * host), each in [0, 1]; null without two readings or without time passing.
 */
export function cpuShares(from: CpuTimes | null, to: CpuTimes | null): { busy: number; steal: number } | null {
  if (!from || !to) return null;
  const busy = to.busy - from.busy, idle = to.idle - from.idle, steal = to.steal - from.steal;
  const total = busy + idle + steal;
  if (!(total > 0) || busy < 0 || idle < 0 || steal < 0) return null;
  return { busy: busy / total, steal: steal / total };
}

/** What a {@link CpuMeter} measured: shares over the whole span, and the largest steal over one window. */
export interface CpuMeasure { busy: number; steal: number; peakSteal: number }

/** Reads the machine's CPU times over a span: call `sample` often (it reads at most once per window). */
export interface CpuMeter {
  sample(nowMs: number): Promise<void>;
  /** Shares since the first sample (reads once more); null where `/proc/stat` is unavailable. */
  finish(): Promise<CpuMeasure | null>;
}

/** Creates a {@link CpuMeter} whose peak steal is taken over windows of at least `windowMs`. */
export function createCpuMeter(windowMs = 1000, read: () => Promise<CpuTimes | null> = readCpuTimes): CpuMeter {
  let first: CpuTimes | null = null, last: CpuTimes | null = null, lastAt = -Infinity, peakSteal = 0;
  const take = async (nowMs: number): Promise<void> => {
    const t = await read();
    if (!t) return;
    first ??= t;
    peakSteal = Math.max(peakSteal, cpuShares(last, t)?.steal ?? 0);
    last = t; lastAt = nowMs;
  };
  return {
    async sample(nowMs) { if (nowMs - lastAt >= windowMs) await take(nowMs); },
    async finish() {
      const t = await read();
      const whole = cpuShares(first, t);
      if (!whole) return null;
      return { ...whole, peakSteal: Math.max(peakSteal, cpuShares(last, t)?.steal ?? 0) };
    },
  };
}
