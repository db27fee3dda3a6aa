/**
 * Signed slot packing (Horner): many small signed integers in one plaintext,
 * P = Σ v_i·2^(i·slotBits), so one ciphertext carries a whole vector and homomorphic addition adds
 * all slots at once. Slots are decoded balanced (centred remainder, borrow carried to the next slot),
 * so sums with negative entries decode without offsets. Overflow is detected, not silently wrapped.
 * @module
 */
import { assertBigint, bitLength } from './modmath';

/** Options of {@link packingLayout}. Give `modulus` (preferred) or `modulusBits`. */
export interface PackingOptions {
  /** The plaintext modulus n. With it, pack returns residues in [0, n) and unpack centres them. */
  readonly modulus?: bigint;
  /** Bit length of n when n itself is not at hand (pack then returns signed integers). */
  readonly modulusBits?: number;
  /** Every packed value satisfies |v| < 2^(valueBits−1). */
  readonly valueBits: number;
  /** Maximum number of packed vectors added together. */
  readonly summands: number;
  /** Extra growth from multiplying sums by up to 2^scalingBits (e.g. gossip rescaling); default 0. */
  readonly scalingBits?: number;
  /** Bits kept free below n so |P| < n/2 always; default 2. */
  readonly marginBits?: number;
}

/** A resolved packing layout (plain data). */
export interface PackingLayout {
  readonly modulus: bigint | undefined;
  readonly modulusBits: number;
  readonly valueBits: number;
  readonly summands: number;
  readonly scalingBits: number;
  /** valueBits + ⌈log2 summands⌉ + scalingBits + 1 (sign/guard bit). */
  readonly slotBits: number;
  readonly slotsPerPlaintext: number;
  /** Largest |slot| a legitimate result can reach: summands·(2^(valueBits−1) − 1)·2^scalingBits. */
  readonly capacity: bigint;
}

function positiveInt(x: unknown, name: string, min: number): number {
  if (typeof x !== 'number') throw new TypeError(`packingLayout: ${name} must be a number, got ${typeof x}`);
  if (!Number.isSafeInteger(x) || x < min) throw new RangeError(`packingLayout: ${name} must be an integer ≥ ${min}, got ${x}`);
  return x;
}

/** Computes the slot width and slots per plaintext for the given value size, summands and modulus. */
export function packingLayout(opts: PackingOptions): PackingLayout {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('packingLayout: options must be an object');
  let modulusBits: number;
  if (opts.modulus !== undefined) {
    assertBigint(opts.modulus, 'packingLayout: modulus');
    if (opts.modulus < 3n) throw new RangeError('packingLayout: modulus must be ≥ 3');
    modulusBits = bitLength(opts.modulus);
    if (opts.modulusBits !== undefined && opts.modulusBits !== modulusBits) {
      throw new RangeError(`packingLayout: modulusBits ${opts.modulusBits} disagrees with the modulus (${modulusBits} bits)`);
    }
  } else {
    modulusBits = positiveInt(opts.modulusBits, 'modulusBits', 8);
  }
  const valueBits = positiveInt(opts.valueBits, 'valueBits', 2);
  const summands = positiveInt(opts.summands, 'summands', 1);
  const scalingBits = positiveInt(opts.scalingBits ?? 0, 'scalingBits', 0);
  const marginBits = positiveInt(opts.marginBits ?? 2, 'marginBits', 2);
  const carryBits = bitLength(BigInt(summands - 1)); // ⌈log2 summands⌉
  const slotBits = valueBits + carryBits + scalingBits + 1;
  const slotsPerPlaintext = Math.floor((modulusBits - marginBits) / slotBits);
  if (slotsPerPlaintext < 1) {
    throw new RangeError(`packingLayout: a ${slotBits}-bit slot does not fit a ${modulusBits}-bit modulus with ${marginBits} margin bits`);
  }
  const capacity = BigInt(summands) * ((1n << BigInt(valueBits - 1)) - 1n) << BigInt(scalingBits);
  return { modulus: opts.modulus, modulusBits, valueBits, summands, scalingBits, slotBits, slotsPerPlaintext, capacity };
}

/** Number of plaintexts that `count` packed values need. */
export function plaintextsNeeded(layout: PackingLayout, count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`plaintextsNeeded: count must be a non-negative integer, got ${count}`);
  return Math.ceil(count / layout.slotsPerPlaintext);
}

/**
 * Packs signed values (|v| < 2^(valueBits−1)) into ⌈count/slots⌉ plaintexts; value j goes to
 * plaintext ⌊j/slots⌋, slot j mod slots (slot i at bit i·slotBits). Unused slots are zero.
 * With a layout modulus the results are residues in [0, n); otherwise signed integers.
 */
export function pack(layout: PackingLayout, values: readonly bigint[]): bigint[] {
  if (!Array.isArray(values)) throw new TypeError('pack: values must be an array of bigints');
  const limit = 1n << BigInt(layout.valueBits - 1);
  values.forEach((v, j) => {
    assertBigint(v, `pack: value ${j}`);
    if (v >= limit || -v >= limit) throw new RangeError(`pack: value ${j} (${v}) needs more than ${layout.valueBits} signed bits`);
  });
  const B = BigInt(layout.slotBits);
  const slots = layout.slotsPerPlaintext;
  const out: bigint[] = [];
  for (let start = 0; start < values.length; start += slots) {
    let P = 0n;
    for (let j = Math.min(values.length, start + slots) - 1; j >= start; j--) P = (P << B) + values[j]!;
    const n = layout.modulus;
    out.push(n === undefined ? P : P < 0n ? P + n : P);
  }
  return out;
}

/**
 * Unpacks `count` signed values from plaintexts produced by {@link pack} (or sums / scalings of
 * them). Each plaintext is centred mod n, then slots are peeled off as centred remainders.
 * @throws RangeError when a slot exceeds the layout capacity or bits remain above the last slot
 * (overflow), or when the number of plaintexts does not match `count`
 */
export function unpack(layout: PackingLayout, plaintexts: readonly bigint[], count: number): bigint[] {
  if (!Array.isArray(plaintexts)) throw new TypeError('unpack: plaintexts must be an array of bigints');
  const needed = plaintextsNeeded(layout, count);
  if (plaintexts.length !== needed) throw new RangeError(`unpack: ${count} values need ${needed} plaintexts, got ${plaintexts.length}`);
  const B = BigInt(layout.slotBits);
  const mask = (1n << B) - 1n;
  const half = 1n << (B - 1n);
  const n = layout.modulus;
  const out: bigint[] = [];
  plaintexts.forEach((x, k) => {
    assertBigint(x, `unpack: plaintext ${k}`);
    let r: bigint;
    if (n !== undefined) {
      if (x < 0n || x >= n) throw new RangeError(`unpack: plaintext ${k} must be in [0, n)`);
      r = x > n / 2n ? x - n : x;
    } else {
      r = x;
    }
    const used = Math.min(layout.slotsPerPlaintext, count - k * layout.slotsPerPlaintext);
    for (let i = 0; i < used; i++) {
      let s = r & mask;
      if (s >= half) s -= 1n << B;
      if (s > layout.capacity || -s > layout.capacity) {
        throw new RangeError(`unpack: slot ${k * layout.slotsPerPlaintext + i} overflowed (|${s}| > capacity ${layout.capacity})`);
      }
      out.push(s);
      r = (r - s) >> B;
    }
    if (r !== 0n) throw new RangeError(`unpack: plaintext ${k} has nonzero bits above its last slot (overflow)`);
  });
  return out;
}
