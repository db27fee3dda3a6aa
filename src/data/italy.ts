/**
 * The shipped ItalyPowerDemand file (`public/data/italy-power-demand.csv`, UCR archive, TRAIN then
 * TEST): 1096 days of Italian national demand, 24 hourly values each, z-normalised per series.
 * Each series is its own owner. Format: header `id,class,h00,…,h23`, then one row per series, the
 * values copied digit for digit from the source `.ts` files.
 * @module
 */
import type { Dataset } from './types';

/** Path of the shipped file relative to `public/` (and to the app's base URL). */
export const ITALY_FILE = 'data/italy-power-demand.csv';
/**
 * Public clipping bound |value| ≤ 4.7: a series of n values z-normalised with the sample standard
 * deviation satisfies |z| ≤ (n − 1)/√n, which is 4.695 for n = 24. Exact, and independent of the data.
 */
export const ITALY_BOUND = 4.7;

const T = 24;
const HEADER = ['id', 'class', ...Array.from({ length: T }, (_, i) => `h${String(i).padStart(2, '0')}`)].join(',');
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** One ItalyPowerDemand series with its id (`TRAIN-001`, `TEST-0001`) and class label (`1`/`2`). */
export interface ItalySeries {
  id: string;
  label: string;
  values: ArrayLike<number>;
}

/** Formats series into the shipped CSV text (LF line ends, trailing newline). Deterministic. */
export function encodeItaly(series: ItalySeries[]): string {
  const lines = [HEADER];
  for (const s of series) {
    if (!/^[A-Za-z0-9-]+$/.test(s.id) || !/^[A-Za-z0-9]+$/.test(s.label)) {
      throw new RangeError(`encodeItaly: id and label must be alphanumeric, got '${s.id}', '${s.label}'`);
    }
    if (s.values.length !== T) throw new RangeError(`encodeItaly: ${s.id}: need ${T} values, got ${s.values.length}`);
    const vals = Array.from(s.values, (v) => {
      if (!Number.isFinite(v)) throw new RangeError(`encodeItaly: ${s.id}: non-finite value ${v}`);
      return String(v);
    });
    lines.push([s.id, s.label, ...vals].join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * Decodes the shipped ItalyPowerDemand CSV: one owner per series, label `class 1` / `class 2`.
 * @throws TypeError naming the line when the text is not the shipped format.
 */
export function decodeItaly(text: string): Dataset {
  if (typeof text !== 'string') throw new TypeError('decodeItaly: text must be a string');
  const lines = text.split(/\r?\n/);
  if (lines[0] !== HEADER) throw new TypeError('decodeItaly: line 1: unexpected header');
  const owners: Dataset['owners'] = [];
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') {
      if (i === lines.length - 1) break;
      throw new TypeError(`decodeItaly: line ${i + 1}: empty line`);
    }
    const f = line.split(',');
    if (f.length !== T + 2) throw new TypeError(`decodeItaly: line ${i + 1}: expected ${T + 2} fields, got ${f.length}`);
    const [id, label] = f as [string, string];
    if (id === '' || seen.has(id)) throw new TypeError(`decodeItaly: line ${i + 1}: empty or duplicate id '${id}'`);
    seen.add(id);
    const s = new Float64Array(T);
    for (let j = 0; j < T; j++) {
      const v = f[j + 2]!;
      if (!NUMBER.test(v)) throw new TypeError(`decodeItaly: line ${i + 1}, column ${j + 3}: '${v}' is not a number`);
      s[j] = Number(v);
    }
    owners.push({ id, series: [s], labels: [`class ${label}`] });
  }
  if (owners.length === 0) throw new TypeError('decodeItaly: no series');
  return { name: 'italy', T, lo: -ITALY_BOUND, hi: ITALY_BOUND, unit: 'z-score', owners };
}
