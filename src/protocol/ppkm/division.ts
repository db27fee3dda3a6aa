/**
 * Secure division (the paper's §4.3 / Fig. 4) with a BOUNDED blinding factor. N_i holds −r, the
 * assistant holds s = A + r (integers). N_i encrypts its share under its own division key pk′; the
 * assistant encrypts its share (fresh randomness: N_i cannot recognise the result's nonce), multiplies,
 * and raises to λ ∈ [1, 2^λbits) with λ·A < n, so N_i decrypts λ·A exactly (the paper's λ ∈ Z_n
 * would wrap modulo n and the real-valued ratio λa/λb would be garbage). N_i returns A_v / A_count.
 * @module
 */
import type { Rng } from '../../core/rng';
import { randomBelow } from '../../core/rng';
import type { PrivateKey, PublicKey } from '../../crypto/types';
import type { PpkmCrypto } from './crypto';
import type { DivisionSpec } from './layout';
import { unpackInto } from './layout';

/** Σ_t values[idx[t]]·2^(t·slotBits) mod n, for any integers (shares may be negative). */
function combine(values: readonly bigint[], idx: readonly number[], slotBits: number, n: bigint, sign: bigint): bigint {
  const R = BigInt(slotBits);
  let acc = 0n;
  for (let t = idx.length - 1; t >= 0; t--) acc = (acc << R) + sign * values[idx[t]!]!;
  acc %= n;
  return acc < 0n ? acc + n : acc;
}

/** Number of ciphertexts N_i sends for the divisions (one per plaintext of each spec). */
export function divisionCiphertextCount(specs: readonly DivisionSpec[]): number {
  return specs.reduce((a, s) => a + s.plaintexts.length, 0);
}

/** Number of ciphertexts the assistant returns (blinded plaintexts merged at their offsets). */
export function divisionOutputCount(specs: readonly DivisionSpec[]): number {
  let max = -1;
  for (const s of specs) for (const o of s.outputs) max = Math.max(max, o.index);
  return max + 1;
}

/** N_i's first step: E′(−r) per division plaintext, under its own key. */
export function divisionRequest(crypto: PpkmCrypto, ownPk: PublicKey, masks: readonly bigint[], specs: readonly DivisionSpec[]): Promise<bigint[]> {
  const plain: bigint[] = [];
  for (const spec of specs) {
    spec.plaintexts.forEach((idx, i) => plain.push((combine(masks, idx, spec.slotBits, ownPk.n, -1n) << BigInt(spec.outputs[i]!.shift)) % ownPk.n));
  }
  return crypto.encrypt(ownPk, plain);
}

/**
 * The assistant's step: (E′(−r)·E′(s))^λ per plaintext, one fresh λ per division, then the results
 * sharing an output ciphertext multiplied together (their plaintexts sit at disjoint offsets).
 * @param requestPk N_i's division key (validated by the caller)
 */
export async function divisionBlind(
  crypto: PpkmCrypto, requestPk: PublicKey, request: readonly bigint[], shares: readonly bigint[],
  specs: readonly DivisionSpec[], rng: Rng,
): Promise<bigint[]> {
  if (request.length !== divisionCiphertextCount(specs)) throw new RangeError(`divisionBlind: ${request.length} ciphertexts, expected ${divisionCiphertextCount(specs)}`);
  const mine: bigint[] = [];
  for (const spec of specs) {
    spec.plaintexts.forEach((idx, i) => mine.push((combine(shares, idx, spec.slotBits, requestPk.n, 1n) << BigInt(spec.outputs[i]!.shift)) % requestPk.n));
  }
  const encMine = await crypto.encrypt(requestPk, mine);
  const out = new Array<bigint | undefined>(divisionOutputCount(specs)).fill(undefined);
  let t = 0;
  for (const spec of specs) {
    const lambda = randomBelow(rng, (1n << BigInt(spec.lambdaBits)) - 1n) + 1n;
    const joined = spec.plaintexts.map((_, i) => crypto.add(requestPk, request[t + i]!, encMine[t + i]!));
    const scaled = await crypto.mulConst(requestPk, joined, lambda);
    spec.outputs.forEach((o, i) => {
      const prev = out[o.index];
      out[o.index] = prev === undefined ? scaled[i]! : crypto.add(requestPk, prev, scaled[i]!);
    });
    t += spec.plaintexts.length;
  }
  return out.map((c) => c!);
}

/**
 * N_i's last step: decrypts λ·A and returns A_v / A_count for every value index a division covers
 * (null where the count is 0: an empty cluster keeps its centroid).
 * @throws RangeError if a plaintext overflows its slots or a zero count comes with non-zero sums
 */
export async function divisionFinish(
  crypto: PpkmCrypto, ownSk: PrivateKey, blinded: readonly bigint[], specs: readonly DivisionSpec[], valueCount: number,
): Promise<(number | null)[]> {
  if (blinded.length !== divisionOutputCount(specs)) throw new RangeError(`divisionFinish: ${blinded.length} ciphertexts, expected ${divisionOutputCount(specs)}`);
  const plain = await crypto.decrypt(ownSk, blinded);
  // Every bit of an output must belong to some region: anything above is an overflow.
  const top = new Array<number>(plain.length).fill(0);
  for (const spec of specs) spec.plaintexts.forEach((idx, i) => {
    const o = spec.outputs[i]!;
    top[o.index] = Math.max(top[o.index]!, o.shift + idx.length * spec.slotBits);
  });
  plain.forEach((x, i) => {
    if (x >> BigInt(top[i]!) !== 0n) throw new RangeError('divisionFinish: plaintext overflows its slots');
  });
  const ratios = new Array<number | null>(valueCount).fill(null);
  for (const spec of specs) {
    const scaled = new Array<bigint>(valueCount).fill(0n);
    spec.plaintexts.forEach((idx, i) => {
      const o = spec.outputs[i]!;
      const width = BigInt(idx.length * spec.slotBits);
      unpackInto((plain[o.index]! >> BigInt(o.shift)) & ((1n << width) - 1n), idx, spec.slotBits, scaled);
    });
    const den = scaled[spec.count]!;
    for (const idx of spec.plaintexts) {
      for (const v of idx) {
        if (v === spec.count) continue;
        const num = scaled[v]!;
        if (den === 0n) {
          if (num !== 0n) throw new RangeError('divisionFinish: non-zero sum over a zero count');
          continue;
        }
        ratios[v] = ratioToNumber(num, den);
      }
    }
  }
  return ratios;
}

/** num/den as a float64 accurate to ~2^−52 relative, for bigints of any size. */
export function ratioToNumber(num: bigint, den: bigint): number {
  const q = num / den;
  const rem = num - q * den;
  return Number(q) + Number((rem << 53n) / den) / 2 ** 53;
}
