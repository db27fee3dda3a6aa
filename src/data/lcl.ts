/**
 * The shipped Low Carbon London file (`public/data/lcl-2013.bin`): household-days of 24 hourly kWh.
 *
 * Binary layout, little-endian:
 * - bytes 0–3: ASCII `CLCL`; bytes 4–7: Uint32 byte length H of the header (H is even);
 * - H bytes of UTF-8 JSON {@link LclHeader} (space-padded);
 * - for each household in header order, `days` records of 25 Uint16: the day of the year
 *   (0 = 1 January), then the 24 hourly values in watt-hours (lossless: the source has 3 decimals of
 *   kWh per half-hour).
 * Written by `scripts/derive-data.ts` through {@link encodeLcl}; read by {@link decodeLcl}.
 * @module
 */
import type { Dataset } from './types';

/** Path of the shipped file relative to `public/` (and to the app's base URL). */
export const LCL_FILE = 'data/lcl-2013.bin';
/**
 * Public clipping bound for one hourly value, in kWh: a fixed round number, not fitted per run.
 * In the 2013 source 0.43 % of hourly values exceed it (99.5th percentile 3.8 kWh, maximum 12.7 kWh;
 * see public/data/CREDITS.md), so clipping barely changes the curves while the DP sensitivity,
 * which grows with the range, stays small.
 */
export const LCL_HI_KWH = 4;

const MAGIC = [0x43, 0x4c, 0x43, 0x4c]; // 'CLCL'
const T = 24;
const RECORD = T + 1; // Uint16 per record
const MAX_DAY = 366;

/** One household-day as stored: day of year and 24 watt-hour values. */
export interface LclDay {
  /** 0 = 1 January of {@link LclHeader.year}. */
  dayOfYear: number;
  /** 24 hourly watt-hour values, integers in [0, 65535]. */
  wh: ArrayLike<number>;
}

/** One household and its stored days, in increasing day order. */
export interface LclHousehold {
  id: string;
  days: LclDay[];
}

/** JSON header of the shipped file. */
export interface LclHeader {
  format: 'chiaroscuro-lcl';
  version: 1;
  year: number;
  T: 24;
  unit: 'kWh';
  /** Stored integer per unit: 1000 (watt-hours). */
  scale: 1000;
  lo: number;
  hi: number;
  /** Human description of the day subset kept (e.g. every 3rd day of the year). */
  subset: string;
  households: Array<{ id: string; days: number }>;
}

/**
 * Encodes households into the shipped binary layout. Deterministic: same input, same bytes.
 * @throws RangeError on values or days outside the layout's range, or unsorted days.
 */
export function encodeLcl(households: LclHousehold[], meta: { year: number; subset: string }): Uint8Array {
  const header: LclHeader = {
    format: 'chiaroscuro-lcl', version: 1, year: meta.year, T: 24, unit: 'kWh', scale: 1000,
    lo: 0, hi: LCL_HI_KWH, subset: meta.subset,
    households: households.map((h) => ({ id: h.id, days: h.days.length })),
  };
  let json = JSON.stringify(header);
  let jsonBytes = new TextEncoder().encode(json);
  if (jsonBytes.length % 2 === 1) { json += ' '; jsonBytes = new TextEncoder().encode(json); }
  const records = households.reduce((s, h) => s + h.days.length, 0);
  const out = new Uint8Array(8 + jsonBytes.length + records * RECORD * 2);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(4, jsonBytes.length, true);
  out.set(jsonBytes, 8);
  let off = 8 + jsonBytes.length;
  for (const h of households) {
    let prev = -1;
    for (const d of h.days) {
      if (!Number.isInteger(d.dayOfYear) || d.dayOfYear <= prev || d.dayOfYear >= MAX_DAY) {
        throw new RangeError(`encodeLcl: ${h.id}: days must be increasing integers in [0, ${MAX_DAY}), got ${d.dayOfYear}`);
      }
      prev = d.dayOfYear;
      if (d.wh.length !== T) throw new RangeError(`encodeLcl: ${h.id} day ${d.dayOfYear}: need ${T} values, got ${d.wh.length}`);
      view.setUint16(off, d.dayOfYear, true); off += 2;
      for (let i = 0; i < T; i++) {
        const v = d.wh[i]!;
        if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
          throw new RangeError(`encodeLcl: ${h.id} day ${d.dayOfYear} hour ${i}: ${v} Wh is not an integer in [0, 65535]`);
        }
        view.setUint16(off, v, true); off += 2;
      }
    }
  }
  return out;
}

function fail(msg: string): never {
  throw new TypeError(`decodeLcl: ${msg}`);
}

/**
 * Decodes the shipped LCL file: one owner per household, one series per stored day (24 hourly kWh),
 * labels are the ISO dates.
 * @throws TypeError when the bytes are not a valid file (wrong magic, truncated, bad header).
 */
export function decodeLcl(input: ArrayBuffer | Uint8Array): Dataset {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m)) fail('not an LCL file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const H = view.getUint32(4, true);
  if (H % 2 !== 0 || 8 + H > bytes.length) fail(`bad header length ${H}`);
  let header: LclHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + H))) as LclHeader;
  } catch {
    fail('header is not UTF-8 JSON');
  }
  if (header === null || typeof header !== 'object' || header.format !== 'chiaroscuro-lcl' || header.version !== 1) {
    fail('unknown header format or version');
  }
  if (header.T !== T || header.scale !== 1000 || !Number.isInteger(header.year)) fail('unsupported T, scale or year');
  if (!(Number.isFinite(header.lo) && Number.isFinite(header.hi) && header.lo < header.hi)) fail('bad lo/hi');
  if (!Array.isArray(header.households)) fail('households missing');
  let records = 0;
  for (const h of header.households) {
    if (typeof h?.id !== 'string' || h.id === '' || !Number.isSafeInteger(h.days) || h.days < 0) {
      fail('bad household entry');
    }
    records += h.days;
  }
  if (bytes.length !== 8 + H + records * RECORD * 2) {
    fail(`expected ${8 + H + records * RECORD * 2} bytes for ${records} records, got ${bytes.length}`);
  }
  let off = 8 + H;
  const yearStart = Date.UTC(header.year, 0, 1);
  const owners = header.households.map((h) => {
    const series: Float64Array[] = [];
    const labels: string[] = [];
    let prev = -1;
    for (let d = 0; d < h.days; d++) {
      const day = view.getUint16(off, true); off += 2;
      if (day <= prev || day >= MAX_DAY) fail(`${h.id}: day ${day} out of order or range`);
      prev = day;
      const s = new Float64Array(T);
      for (let i = 0; i < T; i++) { s[i] = view.getUint16(off, true) / header.scale; off += 2; }
      series.push(s);
      labels.push(new Date(yearStart + day * 86_400_000).toISOString().slice(0, 10));
    }
    return { id: h.id, series, labels };
  });
  return { name: 'lcl', T, lo: header.lo, hi: header.hi, unit: header.unit, owners };
}
