/**
 * Cost model for the "time consumption" and "network traffic" views of the seed demo: per participant
 * and iteration, how many Paillier ciphertexts, operations and bytes a Chiaroscuro iteration needs for
 * a key size, from the number of alive centroids. Measured per-operation times (this device, in the
 * worker pool) turn operation counts into milliseconds. Pure functions.
 * @module
 */

/** Median milliseconds of one operation at one key size. */
export interface OpTimes {
  bits: number;
  encrypt: number;
  add: number;
  decrypt: number;
}

/**
 * Reference times (ENV-NOTES.md, Chromium worker, BigInt) used until "measure this device" runs.
 * 512/1024 bits are extrapolated from 2048 with modexp ≈ cubic in the key size.
 */
export const REFERENCE_OP_TIMES: readonly OpTimes[] = [
  { bits: 512, encrypt: 0.9, add: 0.004, decrypt: 0.5 },
  { bits: 1024, encrypt: 6, add: 0.012, decrypt: 3 },
  { bits: 2048, encrypt: 42, add: 0.04, decrypt: 22 },
];

/** Bits of one packed slot: 32-bit fixed-point value + carry headroom + gossip scaling growth. */
export const SLOT_BITS = 64;

/** Shape of one iteration for the model. */
export interface IterationShape {
  /** Alive centroids. */
  k: number;
  /** Series length. */
  T: number;
  /** Participants (sets the gossip cycle count). */
  participants: number;
  /** Key holders doing partial decryptions. */
  keyHolders: number;
}

/** Per-participant counts of one iteration at one key size. */
export interface IterationCost {
  ciphertexts: number;
  encryptions: number;
  additions: number;
  /** Average partial decryptions per participant (only key holders decrypt). */
  decryptions: number;
  bytes: number;
}

/** Gossip cycles per iteration: log2 N plus a constant margin (BRIEF §3.4). */
export function gossipCycles(participants: number): number {
  return Math.ceil(Math.log2(Math.max(2, participants))) + 5;
}

/**
 * Counts for one participant in one iteration: k·T sums + k counts packed into ciphertexts, one
 * encryption each, push-pull gossip (2 messages and ≈ 2 additions per ciphertext per cycle), and the
 * key holders' partial decryptions averaged over all participants.
 * @throws RangeError on non-positive sizes
 */
export function iterationCost(shape: IterationShape, bits: number): IterationCost {
  const { k, T, participants, keyHolders } = shape;
  if (!(bits >= 128) || !Number.isInteger(bits)) throw new RangeError(`iterationCost: bits must be an integer ≥ 128, got ${bits}`);
  if (!(k >= 0 && T >= 1 && participants >= 1 && keyHolders >= 0)) {
    throw new RangeError(`iterationCost: need k ≥ 0, T ≥ 1, participants ≥ 1, keyHolders ≥ 0`);
  }
  const slots = Math.max(1, Math.floor((bits - 2) / SLOT_BITS));
  const ciphertexts = Math.ceil((k * T + k) / slots);
  const cycles = gossipCycles(participants);
  const ciphertextBytes = (2 * bits) / 8; // an element of Z*_{n²}
  return {
    ciphertexts,
    encryptions: ciphertexts,
    additions: 2 * cycles * ciphertexts,
    decryptions: (ciphertexts * Math.min(keyHolders, participants)) / participants,
    bytes: 2 * cycles * ciphertexts * ciphertextBytes,
  };
}

/** Milliseconds per participant and iteration for encrypt, add and decrypt. */
export function iterationMs(cost: IterationCost, ops: OpTimes): { encrypt: number; add: number; decrypt: number } {
  return {
    encrypt: cost.encryptions * ops.encrypt,
    add: cost.additions * ops.add,
    decrypt: cost.decryptions * ops.decrypt,
  };
}
