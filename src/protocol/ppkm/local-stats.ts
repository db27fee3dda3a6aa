/**
 * A node's local step of one iteration (the paper's Fig. 2 steps 1–2): assign each record to its
 * nearest current centroid and form per-cluster fixed-point sums w_j and counts m_j.
 * @module
 */
import { assign } from '../../core/kmeans';
import type { PpkmParams } from './params';

/** A node's records, clipped into [lo, hi], with their fixed-point encodings. */
export interface LocalData {
  /** Clipped records (assignment uses these). */
  readonly records: readonly Float64Array[];
  /** q_s = round((x_s − lo_s)·2^f) per record, exact integers in float64. */
  readonly encoded: readonly Float64Array[];
}

/**
 * Clips records into the public range and fixed-point encodes them.
 * @throws RangeError on a wrong dimension, a non-finite value or more than maxRecords records
 */
export function prepareLocalData(records: readonly (readonly number[] | Float64Array)[], p: PpkmParams): LocalData {
  if (records.length > p.maxRecords) throw new RangeError(`ppkm: ${records.length} records exceed maxRecords = ${p.maxRecords}`);
  const scale = 2 ** p.fractionBits;
  const clipped: Float64Array[] = [];
  const encoded: Float64Array[] = [];
  records.forEach((r, i) => {
    if (r.length !== p.d) throw new RangeError(`ppkm: record ${i} has ${r.length} values, expected d = ${p.d}`);
    const c = new Float64Array(p.d);
    const q = new Float64Array(p.d);
    for (let s = 0; s < p.d; s++) {
      const x = r[s]!;
      if (!Number.isFinite(x)) throw new RangeError(`ppkm: record ${i} value ${s} is not finite`);
      const lo = p.lo[s]!, hi = p.hi[s]!;
      c[s] = Math.min(hi, Math.max(lo, x));
      q[s] = Math.round((c[s]! - lo) * scale);
    }
    clipped.push(c);
    encoded.push(q);
  });
  return { records: clipped, encoded };
}

/**
 * Local values for centroids C: values[j·(d+1)+s] = Σ q_s over records nearest to c_j, and
 * values[j·(d+1)+d] = their count m_j. Sums are exact (σ ≤ 53 is checked by deriveSizes).
 */
export function localValues(data: LocalData, centroids: readonly (readonly number[])[], p: PpkmParams): bigint[] {
  const D = p.d + 1;
  const acc = new Float64Array(p.k * D);
  const labels = assign(data.records, centroids);
  for (let i = 0; i < data.encoded.length; i++) {
    const base = labels[i]! * D;
    const q = data.encoded[i]!;
    for (let s = 0; s < p.d; s++) acc[base + s] = acc[base + s]! + q[s]!;
    acc[base + p.d] = acc[base + p.d]! + 1;
  }
  return Array.from(acc, (v) => BigInt(v));
}

/** Centroid coordinate from a division ratio Σq/m: lo + ratio / 2^f. */
export function decodeRatio(ratio: number, s: number, p: PpkmParams): number {
  return p.lo[s]! + ratio / 2 ** p.fractionBits;
}
