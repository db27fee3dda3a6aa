/**
 * Which values go into which plaintext, for the aggregation and for the secure division, per variant.
 *
 * Values are indexed j·(d+1)+s for the sum of coordinate s of cluster j and j·(d+1)+d for its count.
 * A plaintext holds its values Horner-style: Σ_t v_t·R^t with R = 2^slotBits (the paper's §4.2.1
 * encoding with a power-of-two base, so packing and unpacking are shifts).
 * @module
 */

import type { PpkmParams, PpkmSizes } from './params';

/** Value indices per plaintext; slot t of a plaintext sits at bit t·slotBits. */
export interface PackedLayout {
  readonly slotBits: number;
  readonly plaintexts: readonly (readonly number[])[];
}

/** Where a division plaintext lands after blinding: output ciphertext `index`, at bit `shift`. */
export interface DivisionOutput {
  readonly index: number;
  readonly shift: number;
}

/** One secure division: every plaintext is multiplied by the same λ; ratios are taken to `count`. */
export interface DivisionSpec {
  /** λ is uniform in [1, 2^lambdaBits). */
  readonly lambdaBits: number;
  readonly slotBits: number;
  readonly plaintexts: readonly (readonly number[])[];
  /** Parallel to `plaintexts`. */
  readonly outputs: readonly DivisionOutput[];
  /** Value index of the count that divides every other value of this division. */
  readonly count: number;
}

function chunk(indices: number[], capacity: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < indices.length; i += capacity) out.push(indices.slice(i, i + capacity));
  return out;
}

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

/**
 * Aggregation packing. `b`: one value per plaintext (k·(d+1) ciphertexts per node). `e`: the d sums of
 * a cluster per plaintext, and all k counts in one (k+1, as in the paper, when they fit). `packed`:
 * all k·(d+1) values back to back in as few plaintexts as the modulus holds.
 */
export function aggregationLayout(p: PpkmParams, z: PpkmSizes): PackedLayout {
  const D = p.d + 1;
  let plaintexts: number[][];
  if (p.variant === 'b') {
    plaintexts = range(0, p.k * D).map((v) => [v]);
  } else if (p.variant === 'e') {
    plaintexts = [];
    for (let j = 0; j < p.k; j++) plaintexts.push(...chunk(range(j * D, p.d), z.aggCapacity));
    plaintexts.push(...chunk(range(0, p.k).map((j) => j * D + p.d), z.aggCapacity));
  } else {
    plaintexts = chunk(range(0, p.k * D), z.aggCapacity);
  }
  return { slotBits: z.aggSlotBits, plaintexts };
}

/**
 * Secure divisions. `b`, `e`: the paper's k·d per-coordinate divisions, each with its own λ and two
 * ciphertexts (sum, count), each returned on its own. `packed`: one division per cluster, λ shared by
 * its d sums and its count in one plaintext (split into chunks that each repeat the count, each with
 * its own λ, if d+1 slots do not fit); after blinding, the assistant multiplies the λ-scaled
 * plaintexts of several clusters into one ciphertext at disjoint bit offsets (each keeps its own λ),
 * so N_i decrypts ⌈k / clusters-per-plaintext⌉ ciphertexts instead of k.
 */
export function divisionSpecs(p: PpkmParams, z: PpkmSizes): DivisionSpec[] {
  const D = p.d + 1;
  const out: DivisionSpec[] = [];
  let outputs = 0;
  let shift = 0;
  for (let j = 0; j < p.k; j++) {
    const count = j * D + p.d;
    if (p.variant === 'packed') {
      for (const sums of chunk(range(j * D, p.d), z.divCapacity - 1)) {
        const width = (sums.length + 1) * z.divSlotBits;
        if (outputs === 0 || shift + width > z.modulusBits - 1) { outputs++; shift = 0; }
        out.push({ lambdaBits: p.lambdaBits, slotBits: z.divSlotBits, plaintexts: [[...sums, count]], outputs: [{ index: outputs - 1, shift }], count });
        shift += width;
      }
    } else {
      for (let s = 0; s < p.d; s++) {
        out.push({
          lambdaBits: z.coordLambdaBits, slotBits: z.modulusBits, plaintexts: [[j * D + s], [count]],
          outputs: [{ index: outputs, shift: 0 }, { index: outputs + 1, shift: 0 }], count,
        });
        outputs += 2;
      }
    }
  }
  return out;
}

/** Horner-packs values[idx[0]] + values[idx[1]]·R + … with R = 2^slotBits. Values must be in [0, R). */
export function pack(values: readonly bigint[], idx: readonly number[], slotBits: number): bigint {
  const R = BigInt(slotBits);
  const limit = 1n << R;
  let acc = 0n;
  for (let t = idx.length - 1; t >= 0; t--) {
    const v = values[idx[t]!];
    if (v === undefined || v < 0n || v >= limit) throw new RangeError(`pack: value #${idx[t]} must be in [0, 2^${slotBits}), got ${String(v)}`);
    acc = (acc << R) | v;
  }
  return acc;
}

/** Inverse of {@link pack}: writes the `idx.length` slots of `x` into out[idx[t]]. */
export function unpackInto(x: bigint, idx: readonly number[], slotBits: number, out: bigint[]): void {
  if (x < 0n) throw new RangeError('unpack: packed value must be non-negative');
  const R = BigInt(slotBits);
  const mask = (1n << R) - 1n;
  for (const i of idx) {
    out[i] = x & mask;
    x >>= R;
  }
  if (x !== 0n) throw new RangeError(`unpack: packed value has bits above its ${idx.length} slots (overflow)`);
}
