/**
 * Small helpers shared by benchmark sections: timing with medians, and plain-text tables.
 * @module
 */

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Options of {@link timeOp}. */
export interface TimeOptions {
  /** Number of timed samples (the median is reported). */
  readonly reps: number;
  /** Fast operations are batched until one sample takes at least this long; default 20 ms; 0 = no warm-up, one call per sample. */
  readonly minSampleMs?: number;
  /** Called before each sample with the number of calls it will make (e.g. to refill a pool). */
  readonly before?: (calls: number) => void;
}

/**
 * Median milliseconds per call of `fn`. One warm-up call calibrates the batch size so that quick
 * operations (a single multiplication) are timed over many calls per sample; with `minSampleMs: 0`
 * there is no warm-up and every sample is one call.
 */
export function timeOp(fn: () => unknown, opts: TimeOptions): number {
  const minSampleMs = opts.minSampleMs ?? 20;
  let calls = 1;
  let t: number;
  // minSampleMs 0 (slow one-off operations such as key generation): no warm-up, one call per sample.
  if (minSampleMs > 0) {
    opts.before?.(1);
    t = performance.now();
    fn();
    const first = performance.now() - t;
    calls = first >= minSampleMs ? 1 : Math.min(100_000, Math.max(1, Math.ceil(minSampleMs / Math.max(first, 0.001))));
  }
  const samples: number[] = [];
  for (let r = 0; r < opts.reps; r++) {
    opts.before?.(calls);
    t = performance.now();
    for (let i = 0; i < calls; i++) fn();
    samples.push((performance.now() - t) / calls);
  }
  return median(samples);
}

/** Renders rows as an aligned text table (first column left-aligned, others right-aligned; integers as is, other numbers as {@link formatMs}). */
export function formatTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (c: unknown): string => {
    if (typeof c === 'number') return Number.isInteger(c) ? String(c) : formatMs(c);
    if (typeof c === 'string') return c;
    if (typeof c === 'bigint' || c === undefined) return String(c);
    return JSON.stringify(c);
  };
  const cells = [headers.map(String), ...rows.map((r) => r.map(cell))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A millisecond figure with 3 significant digits (e.g. 0.0521, 6.97, 1390). */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 100) return ms.toFixed(0);
  return ms.toPrecision(3);
}
