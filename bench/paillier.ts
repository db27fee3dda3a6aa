/**
 * Paillier micro-benchmark (Node, BigInt): keygen, encrypt (fresh randomness), encryptOnline
 * (precomputed randomness), CRT decrypt, add, mulConst, threshold partialDecrypt/combine and
 * threshold key generation (safe primes), for the `standard` and `djn` variants, plus the
 * paillier-bigint library as a same-machine reference. Times are medians in ms per operation.
 * @module
 */
import * as PB from 'paillier-bigint';
import { randomBelow, secureRng } from '../src/core/rng';
import {
  add, combinePartials, createNoncePool, dealThresholdKey, dealThresholdKeyFromPrimes, decrypt, encrypt,
  encryptOnline, generateKeyPair, mulConst, partialDecrypt, privateKeyFromPrimes,
} from '../src/crypto/index';
import type { KeyBits, PrivateKey, PublicKey } from '../src/crypto/index';
import { modInv } from '../src/crypto/modmath';
import { timeOp } from './table';
import { SAFE_PRIMES } from './safe-primes';

/** One result row of the `paillier` section. */
export type PaillierRow = {
  readonly backend: string;
  readonly bits: number;
  readonly op: string;
  readonly msPerOp: number;
};

/** Options of {@link runPaillierBench}. */
export interface PaillierBenchOptions {
  readonly quick: boolean;
  /** Progress lines (stderr in the CLI). */
  readonly log?: (msg: string) => void;
}

/** Holders and threshold of the benchmarked threshold key (Chiaroscuro's default of 10 key shares). */
export const BENCH_HOLDERS = 10;
export const BENCH_THRESHOLD = 5;

interface Plan {
  readonly bits: KeyBits[];
  /** Samples for operations slower than ~20 ms (one call per sample). */
  readonly slowReps: number;
  /** Samples for fast, batched operations. */
  readonly fastReps: number;
  /** Samples of key generation (0 = skip) per size. */
  readonly keygenReps: (bits: number) => number;
  readonly thresholdKeygenReps: (bits: number) => number;
  /** Time paillier-bigint's own key generation too (≤ 2048 bits). */
  readonly referenceKeygen: boolean;
}

/** Key sizes benchmarked: 1024 and 2048 with --quick, plus 3072 otherwise. */
export function benchBits(quick: boolean): KeyBits[] {
  return quick ? [1024, 2048] : [1024, 2048, 3072];
}

function planFor(quick: boolean): Plan {
  return quick
    ? { bits: benchBits(true), slowReps: 3, fastReps: 5, keygenReps: () => 1, thresholdKeygenReps: (b) => (b <= 1024 ? 1 : 0), referenceKeygen: false }
    : { bits: benchBits(false), slowReps: 7, fastReps: 15, keygenReps: (b) => (b <= 2048 ? 5 : 1), thresholdKeygenReps: (b) => (b <= 1024 ? 3 : b <= 2048 ? 1 : 0), referenceKeygen: true };
}

/** Runs the section and returns its rows. */
export async function runPaillierBench(opts: PaillierBenchOptions): Promise<PaillierRow[]> {
  const plan = planFor(opts.quick);
  const log = opts.log ?? (() => {});
  const rows: PaillierRow[] = [];
  const rng = secureRng();
  const record = (backend: string, bits: number, op: string, msPerOp: number): void => {
    rows.push({ backend, bits, op, msPerOp });
    log(`${backend.padEnd(16)} ${String(bits).padStart(4)}  ${op.padEnd(16)} ${msPerOp.toPrecision(3)} ms`);
  };
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

  for (const bits of plan.bits) {
    // Key generation (the last key is reused below).
    let last: PrivateKey | undefined;
    const keygenReps = plan.keygenReps(bits);
    if (keygenReps > 0) record('bigint', bits, 'keygen', timeOp(() => { last = generateKeyPair(bits, rng); }, { reps: keygenReps, minSampleMs: 0 }));
    const sk: PrivateKey = last ?? generateKeyPair(bits, rng);
    const pk = sk.publicKey;
    const m = (): bigint => randomBelow(rng, pk.n);
    await pause();

    const c1 = encrypt(pk, m(), rng), c2 = encrypt(pk, m(), rng);
    for (const variant of ['standard', 'djn'] as const) {
      const backend = variant === 'standard' ? 'bigint' : 'bigint-djn';
      // Never filled: every take() computes fresh randomness, i.e. a complete encryption. DJN setup
      // (one full modexp) and its fixed-base table are paid once, before timing.
      const fresh = createNoncePool(pk, { variant, capacity: 1, rng });
      if (variant === 'djn') fresh.compute();
      const msg = m();
      record(backend, bits, 'encrypt', timeOp(() => encryptOnline(pk, msg, fresh), { reps: variant === 'djn' ? plan.fastReps : plan.slowReps }));
      // Online cost is independent of which term is used: refill with one precomputed term.
      const term = fresh.compute();
      const online = createNoncePool(pk, { capacity: 200_000, rng });
      record(backend, bits, 'encryptOnline', timeOp(() => encryptOnline(pk, msg, online), {
        reps: plan.fastReps, before: (calls) => { online.supply(new Array<bigint>(calls).fill(term)); },
      }));
      await pause();
    }

    record('bigint', bits, 'decrypt', timeOp(() => decrypt(sk, c1), { reps: plan.fastReps }));
    record('bigint', bits, 'add', timeOp(() => add(pk, c1, c2), { reps: plan.fastReps }));
    const k = m();
    record('bigint', bits, 'mulConst', timeOp(() => mulConst(pk, c1, k), { reps: plan.slowReps }));
    await pause();

    // Threshold: fixed safe primes so that partialDecrypt/combine do not wait for a prime search.
    const primes = SAFE_PRIMES[bits];
    if (primes) {
      const dealt = dealThresholdKeyFromPrimes({ p: primes[0], q: primes[1], holders: BENCH_HOLDERS, threshold: BENCH_THRESHOLD, rng });
      const tpk = dealt.publicKey;
      const c = encrypt(tpk, 12345n, rng);
      record('bigint', bits, 'partialDecrypt', timeOp(() => partialDecrypt(dealt.shares[0]!, c), { reps: plan.slowReps }));
      const partials = dealt.shares.slice(0, BENCH_THRESHOLD).map((s) => partialDecrypt(s, c));
      record('bigint', bits, 'combine', timeOp(() => {
        if (combinePartials(tpk, partials) !== 12345n) throw new Error('bench: threshold decryption is wrong');
      }, { reps: plan.fastReps }));
    }
    const tReps = plan.thresholdKeygenReps(bits);
    if (tReps > 0) {
      record('bigint', bits, 'thresholdKeygen', timeOp(() => dealThresholdKey({ bits, holders: BENCH_HOLDERS, threshold: BENCH_THRESHOLD, rng }), { reps: tReps, minSampleMs: 0 }));
    }
    await pause();

    rows.push(...referenceRows(sk, plan, bits, record));
    await pause();
  }
  return rows;
}

/** paillier-bigint 3.4.3 on the same key (g = n + 1, its CRT decryption with p and q). */
function referenceRows(sk: PrivateKey, plan: Plan, bits: number, record: (b: string, bits: number, op: string, ms: number) => void): PaillierRow[] {
  const backend = 'paillier-bigint';
  const { p, q } = sk;
  const pk: PublicKey = sk.publicKey;
  const pub = new PB.PublicKey(pk.n, pk.n + 1n);
  const lambda = (p - 1n) * (q - 1n);
  const priv = new PB.PrivateKey(lambda, modInv(lambda, pk.n), pub, p, q);
  const msg = 424242n;
  const c = pub.encrypt(msg);
  if (priv.decrypt(c) !== msg || decrypt(sk, c) !== msg) throw new Error('bench: paillier-bigint disagrees with src/crypto');
  if (plan.referenceKeygen && bits <= 2048) record(backend, bits, 'keygen', timeOp(() => PB.generateRandomKeysSync(bits, true), { reps: 3, minSampleMs: 0 }));
  record(backend, bits, 'encrypt', timeOp(() => pub.encrypt(msg), { reps: plan.slowReps }));
  record(backend, bits, 'decrypt', timeOp(() => priv.decrypt(c), { reps: plan.slowReps }));
  return [];
}

/** Private key helper for other benches that need a fixed key without waiting for keygen. */
export function benchKey(bits: KeyBits): PrivateKey {
  const primes = SAFE_PRIMES[bits];
  return primes ? privateKeyFromPrimes(primes[0], primes[1]) : generateKeyPair(bits);
}
