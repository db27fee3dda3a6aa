/**
 * Secure aggregation (the paper's §4.2 / Fig. 3) with bounded masks. Every node of Γ_i* encrypts its
 * values under pk_i (the assistant's key); N_i multiplies the |Γ_i*| ciphertexts, adds E(r) with masks
 * r uniform in [0, 2^(σ+θ+κ)) (so A + r is within 2^−κ of uniform and never carries into the next
 * slot), and the assistant decrypts A + r. Afterwards N_i holds −r and the assistant A + r: integer
 * shares of A (no wrap modulo n), which the secure division needs.
 * @module
 */
import type { Rng } from '../../core/rng';
import { randomBelow } from '../../core/rng';
import type { PrivateKey, PublicKey } from '../../crypto/types';
import type { PpkmCrypto } from './crypto';
import type { PackedLayout } from './layout';
import { pack, unpackInto } from './layout';

/** A contributor's step: its values packed per the layout and encrypted under pk_i. */
export function encryptContribution(crypto: PpkmCrypto, pk: PublicKey, values: readonly bigint[], layout: PackedLayout): Promise<bigint[]> {
  return crypto.encrypt(pk, layout.plaintexts.map((idx) => pack(values, idx, layout.slotBits)));
}

/** N_i's result: masked ciphertexts for the assistant, and the masks r it keeps (one per value). */
export interface MaskedAggregate {
  readonly masked: bigint[];
  readonly masks: bigint[];
}

/**
 * N_i's step: homomorphic sum of the |Γ_i*| contributions, then + E(r).
 * @param valueCount k·(d+1)
 * @param maskBits σ+θ+κ
 */
export async function aggregateAndMask(
  crypto: PpkmCrypto, pk: PublicKey, contributions: readonly (readonly bigint[])[], layout: PackedLayout,
  valueCount: number, maskBits: number, rng: Rng,
): Promise<MaskedAggregate> {
  const P = layout.plaintexts.length;
  if (contributions.length === 0) throw new RangeError('aggregateAndMask: no contributions');
  for (const c of contributions) {
    if (c.length !== P) throw new RangeError(`aggregateAndMask: a contribution has ${c.length} ciphertexts, expected ${P}`);
  }
  const sums = contributions[0]!.slice();
  for (let a = 1; a < contributions.length; a++) {
    for (let t = 0; t < P; t++) sums[t] = crypto.add(pk, sums[t]!, contributions[a]![t]!);
  }
  const bound = 1n << BigInt(maskBits);
  const masks = Array.from({ length: valueCount }, () => randomBelow(rng, bound));
  const encMasks = await crypto.encrypt(pk, layout.plaintexts.map((idx) => pack(masks, idx, layout.slotBits)));
  return { masked: sums.map((c, t) => crypto.add(pk, c, encMasks[t]!)), masks };
}

/**
 * The assistant's step: decrypts and unpacks its shares s_v = A_v + r_v.
 * @throws RangeError if a plaintext has bits beyond its slots (a malformed or wrapped aggregate)
 */
export async function decryptShares(
  crypto: PpkmCrypto, sk: PrivateKey, masked: readonly bigint[], layout: PackedLayout, valueCount: number,
): Promise<bigint[]> {
  if (masked.length !== layout.plaintexts.length) throw new RangeError(`decryptShares: ${masked.length} ciphertexts, expected ${layout.plaintexts.length}`);
  const plain = await crypto.decrypt(sk, masked);
  const out = new Array<bigint>(valueCount).fill(0n);
  layout.plaintexts.forEach((idx, t) => unpackInto(plain[t]!, idx, layout.slotBits, out));
  return out;
}
