/**
 * Public parameters of a PPkM round (Zhu & Li 2020) and the bit budgets derived from them.
 *
 * Every node derives the same sizes from the same public parameters, so nothing here is negotiated
 * on the wire. Values are fixed-point encoded relative to the public range: q = round((x − lo)·2^f),
 * so every encoded value, sum and count is a non-negative integer and masks never have to cope with
 * signs.
 * @module
 */

/** Aggregation variant: `b` element-wise (PPkM_b), `e` Horner-packed per centroid (PPkM_e), `packed` all values. */
export type PpkmVariant = 'b' | 'e' | 'packed';

/** All variants, in Table 3 order. */
export const PPKM_VARIANTS: readonly PpkmVariant[] = ['b', 'e', 'packed'];

/** Public, data-independent parameters every node of a round shares. */
export interface PpkmParams {
  readonly variant: PpkmVariant;
  /** Number of clusters. */
  readonly k: number;
  /** Dimension of a record. */
  readonly d: number;
  /** Public lower bound of each coordinate (records are clipped into [lo, hi]). */
  readonly lo: readonly number[];
  /** Public upper bound of each coordinate. */
  readonly hi: readonly number[];
  /** Fixed-point fraction bits f (scale δ = 2^f). */
  readonly fractionBits: number;
  /** Public bound on the records one node holds (σ covers it). */
  readonly maxRecords: number;
  /** Public bound on |Γ_i| (θ covers |Γ_i| + 1 summands). */
  readonly maxNeighbours: number;
  /** Statistical hiding κ of the aggregation masks, in bits. */
  readonly kappa: number;
  /** Bits of the blinding factor λ in the packed division (b and e use the largest λ that cannot wrap). */
  readonly lambdaBits: number;
  /** Paillier modulus bits (0 = same arithmetic without encryption, on a 2048-bit modulus). */
  readonly keyBits: number;
  /** Termination threshold ε_stop on the largest centroid move (Euclidean). */
  readonly epsStop: number;
  /** Iteration cap. */
  readonly maxIterations: number;
  /** Public initial centroids C^(1), k × d. */
  readonly initialCentroids: readonly (readonly number[])[];
}

/** Bit budgets derived from {@link PpkmParams}. */
export interface PpkmSizes {
  /** Modulus bits the packing works with (keyBits, or 2048 for the plain scheme). */
  readonly modulusBits: number;
  /** σ: bits of one node's largest value (a sum of ≤ maxRecords encoded coordinates, or a count). */
  readonly sigma: number;
  /** θ: bits of the number of summands |Γ*| = |Γ| + 1. */
  readonly theta: number;
  /** Bits of an aggregate A < 2^(σ+θ). */
  readonly aggregateBits: number;
  /** Masks r are uniform in [0, 2^(σ+θ+κ)). */
  readonly maskBits: number;
  /** Slot width of the aggregation packing: σ+θ+κ+1 (A + r never carries into the next slot). */
  readonly aggSlotBits: number;
  /** λ bits of the per-coordinate division (b, e): λ·A < 2^(modulusBits−1) ≤ n. */
  readonly coordLambdaBits: number;
  /** Slot width of the packed division: σ+θ+λ bits (λ·A never carries). */
  readonly divSlotBits: number;
  /** Slots that fit one plaintext of the aggregation packing. */
  readonly aggCapacity: number;
  /** Slots that fit one plaintext of the packed division. */
  readonly divCapacity: number;
}

/** Number of values one node contributes: k·d sums then, per cluster, its count (index j·(d+1)+d). */
export function valueCount(p: Pick<PpkmParams, 'k' | 'd'>): number {
  return p.k * (p.d + 1);
}

function checkInt(name: string, v: unknown, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`ppkm params: ${name} must be an integer, got ${String(v)}`);
  if (v < min || v > max) throw new RangeError(`ppkm params: ${name} must be in [${min}, ${max}], got ${v}`);
}

/** Validates parameters (throws TypeError/RangeError naming the field) and derives the bit budgets. */
export function deriveSizes(p: PpkmParams): PpkmSizes {
  if (p.variant !== 'b' && p.variant !== 'e' && p.variant !== 'packed') {
    throw new TypeError(`ppkm params: variant must be 'b', 'e' or 'packed', got ${String(p.variant)}`);
  }
  checkInt('k', p.k, 1, 1024);
  checkInt('d', p.d, 1, 4096);
  checkInt('fractionBits', p.fractionBits, 0, 40);
  checkInt('maxRecords', p.maxRecords, 1, 2 ** 30);
  checkInt('maxNeighbours', p.maxNeighbours, 1, 2 ** 20);
  checkInt('kappa', p.kappa, 20, 256);
  checkInt('lambdaBits', p.lambdaBits, 8, 1024);
  checkInt('maxIterations', p.maxIterations, 1, 10_000);
  if (p.keyBits !== 0) checkInt('keyBits', p.keyBits, 256, 4096);
  if (!(p.epsStop >= 0) || !Number.isFinite(p.epsStop)) throw new RangeError(`ppkm params: epsStop must be a finite number ≥ 0, got ${p.epsStop}`);
  if (p.lo.length !== p.d || p.hi.length !== p.d) throw new RangeError(`ppkm params: lo and hi must have d = ${p.d} entries`);
  let maxRangeQ = 1;
  for (let s = 0; s < p.d; s++) {
    const lo = p.lo[s]!, hi = p.hi[s]!;
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) throw new RangeError(`ppkm params: need finite lo[${s}] < hi[${s}], got ${lo}, ${hi}`);
    maxRangeQ = Math.max(maxRangeQ, Math.ceil((hi - lo) * 2 ** p.fractionBits));
  }
  if (!Number.isSafeInteger(maxRangeQ)) throw new RangeError(`ppkm params: (hi − lo)·2^fractionBits exceeds 2^53`);
  if (p.initialCentroids.length !== p.k) throw new RangeError(`ppkm params: initialCentroids must have k = ${p.k} rows, got ${p.initialCentroids.length}`);
  p.initialCentroids.forEach((c, j) => {
    if (c.length !== p.d || !c.every(Number.isFinite)) throw new RangeError(`ppkm params: initialCentroids[${j}] must be ${p.d} finite numbers`);
  });
  const modulusBits = p.keyBits === 0 ? 2048 : p.keyBits;
  const sigma = bitLength(BigInt(p.maxRecords) * BigInt(maxRangeQ));
  const theta = bitLength(BigInt(p.maxNeighbours + 1));
  if (sigma > 53) throw new RangeError(`ppkm params: maxRecords·(hi − lo)·2^fractionBits needs ${sigma} bits; local sums must stay below 2^53`);
  const aggregateBits = sigma + theta;
  const maskBits = aggregateBits + p.kappa;
  const aggSlotBits = maskBits + 1;
  const coordLambdaBits = modulusBits - 1 - aggregateBits;
  const divSlotBits = aggregateBits + p.lambdaBits;
  const aggCapacity = Math.floor((modulusBits - 1) / aggSlotBits);
  const divCapacity = Math.floor((modulusBits - 1) / divSlotBits);
  if (aggCapacity < 1) throw new RangeError(`ppkm params: a ${aggSlotBits}-bit masked slot does not fit a ${modulusBits}-bit modulus`);
  if (coordLambdaBits < 8) throw new RangeError(`ppkm params: a ${modulusBits}-bit modulus leaves no room for λ above a ${aggregateBits}-bit aggregate`);
  if (p.variant === 'packed' && divCapacity < 2) throw new RangeError(`ppkm params: a packed division needs ≥ 2 slots of ${divSlotBits} bits in a ${modulusBits}-bit modulus`);
  return { modulusBits, sigma, theta, aggregateBits, maskBits, aggSlotBits, coordLambdaBits, divSlotBits, aggCapacity, divCapacity };
}

/** Bit length of a non-negative bigint (0 for 0). */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}
