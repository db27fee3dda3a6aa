/**
 * Real encryption for lab mode: every virtual participant's contribution is packed, encrypted in the
 * worker pool, all ciphertexts are added homomorphically and the total is decrypted — the same
 * arithmetic and cost as a swarm's aggregation, without the network. The lab tab holds one ordinary
 * key (no threshold dealing: safe primes would dominate a classroom demo's start-up).
 * @module
 */
import type { CryptoPool } from '../../../workers/pool';
import type { PrivateKey } from '../../crypto/types';
import { gossipCycles } from '../../ui/logic/cost-model';
import type { LabCrypto } from './engine';

/** Slot layout for packing signed integers with an offset (sums of offsets are removed after decryption). */
export interface SlotLayout {
  /** Bits per slot. */
  width: number;
  /** Offset added to every value so slots stay non-negative. */
  offset: bigint;
  /** Slots per plaintext. */
  perPlaintext: number;
}

/**
 * A layout for `summands` values each with |v| ≤ maxAbs, in a plaintext space of `bits` bits.
 * @throws RangeError if one slot does not fit
 */
export function slotLayout(maxAbs: bigint, summands: number, bits: number): SlotLayout {
  if (maxAbs < 0n) throw new RangeError('slotLayout: maxAbs must be ≥ 0');
  const valueBits = maxAbs.toString(2).length + 1; // v + offset ∈ [0, 2^valueBits)
  const width = valueBits + Math.ceil(Math.log2(summands + 1)) + 1;
  const perPlaintext = Math.floor((bits - 2) / width);
  if (perPlaintext < 1) throw new RangeError(`slotLayout: a ${width}-bit slot does not fit a ${bits}-bit plaintext`);
  return { width, offset: 1n << BigInt(valueBits - 1), perPlaintext };
}

/** Packs signed integers into plaintexts (slot i of plaintext p holds value p·perPlaintext + i + offset). */
export function packSigned(values: readonly bigint[], layout: SlotLayout): bigint[] {
  const out: bigint[] = [];
  const w = BigInt(layout.width);
  for (let p = 0; p < values.length; p += layout.perPlaintext) {
    let acc = 0n;
    const end = Math.min(values.length, p + layout.perPlaintext);
    for (let i = end - 1; i >= p; i--) acc = (acc << w) | (values[i]! + layout.offset);
    out.push(acc);
  }
  return out;
}

/** Unpacks a sum of `summands` packed vectors back into `length` signed sums. */
export function unpackSigned(plaintexts: readonly bigint[], length: number, layout: SlotLayout, summands: number): bigint[] {
  const out: bigint[] = [];
  const w = BigInt(layout.width);
  const mask = (1n << w) - 1n;
  const totalOffset = BigInt(summands) * layout.offset;
  for (const pt of plaintexts) {
    let acc = pt;
    for (let i = 0; i < layout.perPlaintext && out.length < length; i++) {
      out.push((acc & mask) - totalOffset);
      acc >>= w;
    }
  }
  if (out.length !== length) throw new RangeError(`unpackSigned: expected ${length} values, got ${out.length}`);
  return out;
}

/** A {@link LabCrypto} over the worker pool with a fresh `bits`-bit key (generated on first use). */
export function poolLabCrypto(pool: CryptoPool, bits: number): LabCrypto {
  let key: Promise<PrivateKey> | undefined;
  return {
    async aggregate(contributions, onPhase) {
      const sk = await (key ??= pool.generateKeyPair(bits));
      const pk = sk.publicKey;
      const N = contributions.length;
      const length = contributions[0]?.length ?? 0;
      let maxAbs = 0n;
      for (const c of contributions) for (const v of c) { const a = v < 0n ? -v : v; if (a > maxAbs) maxAbs = a; }
      const layout = slotLayout(maxAbs, N, bits);
      const packed = contributions.map((c) => packSigned(c, layout));
      const perParticipant = packed[0]?.length ?? 0;

      onPhase('encrypt');
      let t = performance.now();
      const flat = await pool.encryptVector(pk, packed.flat());
      const encryptMs = performance.now() - t;
      const vectors = Array.from({ length: N }, (_, i) => flat.slice(i * perParticipant, (i + 1) * perParticipant));

      onPhase('aggregate');
      t = performance.now();
      const sum = await pool.addMany(pk, vectors);
      const addMs = performance.now() - t;

      onPhase('decrypt');
      t = performance.now();
      const plain = await pool.decryptVector(sk, sum);
      const decryptMs = performance.now() - t;

      return {
        total: unpackSigned(plain, length, layout, N),
        // Wall time of the pool divided by participants: what each would spend on its own share.
        msPerParticipant: { encrypt: encryptMs / N, add: addMs / N, decrypt: decryptMs / N },
        bytesPerParticipant: 2 * gossipCycles(N) * perParticipant * ((2 * bits) / 8),
      };
    },
  };
}
