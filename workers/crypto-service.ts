/**
 * The crypto worker's exposed object ({@link CryptoWorkerApi}), as a plain factory so it can also run
 * in the main thread (tests). Each method validates its arguments at the boundary, then calls
 * src/crypto. Keys arrive as fresh structured clones on every call, so they are canonicalised by n:
 * the same key object is reused across calls and src/crypto's per-key WeakMap caches (n², CRT
 * constants, DJN tables) keep hitting.
 * @module
 */
import { releaseProxy } from 'comlink';
// Module imports rather than ./index: the worker bundle then carries only what it uses.
import {
  add, decrypt, encrypt, encryptWithNonceTerm, generateKeyPair, mulConst, SUPPORTED_KEY_BITS, type KeyBits,
} from '../src/crypto/paillier';
import { createNoncePool, encryptOnline, type NoncePool } from '../src/crypto/nonce-pool';
import { combinePartials, dealThresholdKey, MAX_HOLDERS, partialDecrypt } from '../src/crypto/threshold';
import type { KeyShare, PrivateKey, PublicKey, ThresholdPublicKey } from '../src/crypto/types';
import {
  BENCH_OPS, MAX_NONCES, WORKER_VARIANTS,
  type BenchOp, type BenchRow, type CryptoWorkerApi, type DealParams, type DealProgress,
  type DealtKey, type WorkerVariant,
} from './crypto-api';
import {
  expectArrayOf, expectBigint, expectBigintArray, expectInteger, expectKeyShare, expectOneOf,
  expectPrivateKey, expectPublicKey, expectThresholdPublicKey,
} from './validate';


/** Threshold key shape of the benchmark: Chiaroscuro's default 10 key holders, any 5 decrypt (as bench/paillier.ts). */
const BENCH_HOLDERS = 10;
const BENCH_THRESHOLD = 5;

/** Keys remembered per worker (least recently used dropped first). */
const KEY_CACHE_SIZE = 16;

/** A small least-recently-used map. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
}

const keyBits = (where: string, v: unknown): KeyBits => {
  const bits = expectInteger(where, v, 1, 1 << 14);
  if (!(SUPPORTED_KEY_BITS as readonly number[]).includes(bits)) {
    throw new RangeError(`${where}: unsupported key size ${bits}, expected one of ${SUPPORTED_KEY_BITS.join(', ')}`);
  }
  return bits as KeyBits;
};

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * Median milliseconds per call of `fn`: each of `reps` samples times a batch of calls long enough
 * (≥ 2 ms) for the coarse worker clock, so microsecond operations still measure correctly.
 */
function timeOp(fn: (i: number) => void, reps: number): number {
  // Grow the batch (which also warms up the JIT) until one batch spans ≥ 2 ms of a clock that may tick
  // only every 100 µs. Sizing from a fixed warm-up window instead gave batches of 1 when the thread was
  // descheduled under load, and then medians of 0 ms.
  let batch = 1;
  for (;;) {
    const s = performance.now();
    for (let i = 0; i < batch; i++) fn(i);
    if (performance.now() - s >= 2 || batch >= 1 << 20) break;
    batch *= 2;
  }
  // Each sample also repeats the batch until it spans ≥ 2 ms: a batch sized while the thread was
  // descheduled can be far too small, and a sample of 0 ticks would make a median of 0 ms.
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const s = performance.now();
    let calls = 0, elapsed = 0;
    do {
      for (let i = 0; i < batch; i++) fn(i);
      calls += batch;
      elapsed = performance.now() - s;
    } while (elapsed < 2);
    samples.push(elapsed / calls);
  }
  return median(samples);
}

/** Creates the object a crypto worker exposes. */
export function createCryptoService(): CryptoWorkerApi {
  const publicKeys = new Lru<bigint, PublicKey>(KEY_CACHE_SIZE);
  const privateKeys = new Lru<bigint, PrivateKey>(KEY_CACHE_SIZE);
  const shares = new Lru<string, KeyShare>(KEY_CACHE_SIZE);
  const thresholdKeys = new Lru<string, ThresholdPublicKey>(KEY_CACHE_SIZE);
  const noncePools = new Lru<string, NoncePool>(KEY_CACHE_SIZE);

  const publicKey = (where: string, v: unknown): PublicKey => {
    const pk = expectPublicKey(where, v);
    const cached = publicKeys.get(pk.n);
    if (cached && cached.bits === pk.bits) return cached;
    publicKeys.set(pk.n, pk);
    return pk;
  };
  const privateKey = (where: string, v: unknown): PrivateKey => {
    const sk = expectPrivateKey(where, v);
    const cached = privateKeys.get(sk.publicKey.n);
    // p·q = n was checked, and n has a unique factorisation: same n means the same key.
    if (cached && cached.publicKey.bits === sk.publicKey.bits) return cached;
    const canonical: PrivateKey = { ...sk, publicKey: publicKey(`${where}.publicKey`, sk.publicKey) };
    privateKeys.set(sk.publicKey.n, canonical);
    return canonical;
  };
  const thresholdKey = (where: string, v: unknown): ThresholdPublicKey => {
    const tpk = expectThresholdPublicKey(where, v);
    const id = `${tpk.n}:${tpk.holders}:${tpk.threshold}`;
    const cached = thresholdKeys.get(id);
    if (cached) return cached;
    thresholdKeys.set(id, tpk);
    return tpk;
  };
  const keyShare = (where: string, v: unknown): KeyShare => {
    const share = expectKeyShare(where, v);
    const publicKey = thresholdKey(`${where}.publicKey`, share.publicKey);
    const id = `${publicKey.n}:${publicKey.holders}:${publicKey.threshold}:${share.index}`;
    const cached = shares.get(id);
    if (cached && cached.secret === share.secret) return cached;
    const canonical: KeyShare = { ...share, publicKey };
    shares.set(id, canonical);
    return canonical;
  };
  const noncePool = (pk: PublicKey, variant: WorkerVariant): NoncePool => {
    const id = `${variant}:${pk.n}`;
    let pool = noncePools.get(id);
    if (!pool) {
      pool = createNoncePool(pk, { variant, capacity: MAX_NONCES });
      noncePools.set(id, pool);
    }
    return pool;
  };
  const variantOf = (where: string, v: unknown): WorkerVariant => expectOneOf(where, v, WORKER_VARIANTS);
  const sameLengths = (where: string, vectors: bigint[][]): number => {
    const len = vectors[0]!.length;
    vectors.forEach((v, j) => {
      if (v.length !== len) throw new RangeError(`${where}: vector ${j} has ${v.length} elements, vector 0 has ${len}`);
    });
    return len;
  };
  const vectors = (where: string, v: unknown): bigint[][] =>
    expectArrayOf(where, v, 4096, (w, item) => expectBigintArray(w, item));

  const api: CryptoWorkerApi = {
    generateKeyPair(bits) {
      return generateKeyPair(keyBits('generateKeyPair: bits', bits));
    },

    async dealThresholdKey(params, onProgress) {
      const where = 'dealThresholdKey';
      if (typeof params !== 'object' || params === null) throw new TypeError(`${where}: params must be an object`);
      const p = params as Partial<DealParams>;
      const bits = keyBits(`${where}: bits`, p.bits);
      const holders = expectInteger(`${where}: holders`, p.holders, 1, MAX_HOLDERS);
      const threshold = expectInteger(`${where}: threshold`, p.threshold, 1, holders);
      if (onProgress !== undefined && typeof onProgress !== 'function') {
        throw new TypeError(`${where}: onProgress must be a function (comlink proxy) or undefined`);
      }
      const report = (progress: DealProgress): void => {
        // Fire and forget: the callback runs in the caller's thread.
        if (onProgress) void Promise.resolve(onProgress(progress)).catch(() => {});
      };
      report({ phase: 'safe prime p', tested: 0 });
      const dealt = dealThresholdKey({
        bits, holders, threshold,
        onProgress: (which, sp) => report({ phase: which === 0 ? 'safe prime p' : 'safe prime q', tested: sp.tested }),
      });
      // Awaited, so the final report reaches the caller before the result does.
      if (onProgress) await Promise.resolve(onProgress({ phase: 'done', tested: 0 })).catch(() => {});
      // Free the callback's MessagePort (a comlink proxy): dealing is the only call that receives one.
      const release = (onProgress as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy];
      if (typeof release === 'function') release.call(onProgress);
      const out: DealtKey = { publicKey: { ...dealt.publicKey }, shares: dealt.shares.map((s) => ({ ...s, publicKey: { ...s.publicKey } })) };
      return out;
    },

    encryptVector(pk, values, variant) {
      const key = publicKey('encryptVector: pk', pk);
      const ms = expectBigintArray('encryptVector: values', values);
      const pool = noncePool(key, variantOf('encryptVector: variant', variant));
      return ms.map((m, i) => {
        if (m < 0n || m >= key.n) throw new RangeError(`encryptVector: values[${i}] must be in [0, n)`);
        return encryptOnline(key, m, pool);
      });
    },

    addMany(pk, vs) {
      const key = publicKey('addMany: pk', pk);
      const list = vectors('addMany: vectors', vs);
      const len = sameLengths('addMany', list);
      const out: bigint[] = new Array<bigint>(len);
      for (let i = 0; i < len; i++) {
        let acc = list[0]![i]!;
        for (let j = 1; j < list.length; j++) acc = add(key, acc, list[j]![i]!);
        out[i] = acc;
      }
      return out;
    },

    mulConstVector(pk, cts, k) {
      const key = publicKey('mulConstVector: pk', pk);
      const cs = expectBigintArray('mulConstVector: cts', cts);
      if (Array.isArray(k)) {
        const ks = expectBigintArray('mulConstVector: k', k);
        if (ks.length !== cs.length) throw new RangeError(`mulConstVector: ${ks.length} constants for ${cs.length} ciphertexts`);
        return cs.map((c, i) => mulConst(key, c, ks[i]!));
      }
      const kk = expectBigint('mulConstVector: k', k);
      return cs.map((c) => mulConst(key, c, kk));
    },

    linearCombine(pk, vs, ks) {
      const key = publicKey('linearCombine: pk', pk);
      const list = vectors('linearCombine: vectors', vs);
      const coeffs = expectBigintArray('linearCombine: ks', ks, 1);
      if (coeffs.length !== list.length) throw new RangeError(`linearCombine: ${coeffs.length} constants for ${list.length} vectors`);
      const len = sameLengths('linearCombine', list);
      const out: bigint[] = new Array<bigint>(len);
      for (let i = 0; i < len; i++) {
        let acc = mulConst(key, list[0]![i]!, coeffs[0]!);
        for (let j = 1; j < list.length; j++) {
          const k = coeffs[j]!;
          // k = 1 (the common push-sum case) needs no exponentiation.
          acc = add(key, acc, k === 1n ? list[j]![i]! : mulConst(key, list[j]![i]!, k));
        }
        out[i] = acc;
      }
      return out;
    },

    decryptVector(sk, cts) {
      const key = privateKey('decryptVector: sk', sk);
      return expectBigintArray('decryptVector: cts', cts).map((c) => decrypt(key, c));
    },

    partialDecryptVector(share, cts) {
      const s = keyShare('partialDecryptVector: share', share);
      const values = expectBigintArray('partialDecryptVector: cts', cts).map((c) => partialDecrypt(s, c).value);
      return { index: s.index, values };
    },

    combineVector(pk, partials) {
      const key = thresholdKey('combineVector: pk', pk);
      const list = expectArrayOf('combineVector: partials', partials, key.holders, (w, item) => {
        if (typeof item !== 'object' || item === null) throw new TypeError(`${w}: expected a partial decryption vector object`);
        const r = item as Record<string, unknown>;
        return {
          index: expectInteger(`${w}.index`, r['index'], 1, key.holders),
          values: expectBigintArray(`${w}.values`, r['values']),
        };
      });
      if (list.length < key.threshold) {
        throw new RangeError(`combineVector: need ${key.threshold} partial decryption vectors, got ${list.length}`);
      }
      const len = sameLengths('combineVector', list.map((p) => p.values));
      const out: bigint[] = new Array<bigint>(len);
      for (let i = 0; i < len; i++) {
        out[i] = combinePartials(key, list.map((p) => ({ index: p.index, value: p.values[i]! })));
      }
      return out;
    },

    precomputeNonces(pk, count, variant) {
      const key = publicKey('precomputeNonces: pk', pk);
      const c = expectInteger('precomputeNonces: count', count, 0, MAX_NONCES);
      const pool = noncePool(key, variantOf('precomputeNonces: variant', variant));
      pool.fill(c);
      return pool.size;
    },

    noncesAvailable(pk, variant) {
      const key = publicKey('noncesAvailable: pk', pk);
      const v = variantOf('noncesAvailable: variant', variant);
      return noncePools.get(`${v}:${key.n}`)?.size ?? 0;
    },

    benchmark(params, variant) {
      const where = 'benchmark';
      if (typeof params !== 'object' || params === null) throw new TypeError(`${where}: params must be an object`);
      const bits = keyBits(`${where}: bits`, params.bits);
      const ops = expectArrayOf(`${where}: ops`, params.ops, BENCH_OPS.length, (w, op) => expectOneOf<BenchOp>(w, op, BENCH_OPS));
      const reps = expectInteger(`${where}: reps`, params.reps, 1, 10_000);
      const keygenReps = expectInteger(`${where}: keygenReps`, params.keygenReps, 1, reps);
      const v = variantOf(`${where}: variant`, variant);
      return runBenchmark(bits, new Set(ops), reps, keygenReps, v);
    },
  };
  return api;
}

/** The timing loop behind {@link CryptoWorkerApi.benchmark}. */
function runBenchmark(bits: KeyBits, ops: Set<BenchOp>, reps: number, keygenReps: number, variant: WorkerVariant): BenchRow[] {
  const backend = variant === 'djn' ? 'bigint-djn-worker' : 'bigint-worker';
  const rows: BenchRow[] = [];
  const row = (op: BenchOp, msPerOp: number): void => {
    rows.push({ backend, bits, op, msPerOp });
  };
  const slow = (fn: () => void, n: number): number => {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      fn();
      samples.push(performance.now() - t);
    }
    return median(samples);
  };

  let sk: PrivateKey | undefined;
  const keygen = slow(() => { sk = generateKeyPair(bits); }, ops.has('keygen') ? keygenReps : 1);
  if (ops.has('keygen')) row('keygen', keygen);
  const pk = sk!.publicKey;
  const pool = createNoncePool(pk, { variant, capacity: 1 });
  const plaintexts = Array.from({ length: 64 }, (_, i) => (pk.n >> 3n) + BigInt(i) * 7919n);
  const cts = plaintexts.map((m) => encrypt(pk, m));

  if (ops.has('encrypt')) {
    // Complete encryption: the randomness (rⁿ or DJN h_s^α) is computed inside the timed call.
    row('encrypt', timeOp((i) => { encryptWithNonceTerm(pk, plaintexts[i % 64]!, pool.compute()); }, reps));
  }
  if (ops.has('encryptOnline')) {
    // Offline phase untimed. One term serves every timed call: ciphertexts are discarded, and reuse
    // only affects secrecy, not cost.
    const term = pool.compute();
    row('encryptOnline', timeOp((i) => { encryptWithNonceTerm(pk, plaintexts[i % 64]!, term); }, reps));
  }
  if (ops.has('decrypt')) {
    if (cts.some((c, i) => decrypt(sk!, c) !== plaintexts[i])) throw new Error('benchmark: decryption is wrong');
    row('decrypt', timeOp((i) => { decrypt(sk!, cts[i % 64]!); }, reps));
  }
  if (ops.has('add')) row('add', timeOp((i) => { add(pk, cts[i % 64]!, cts[(i + 1) % 64]!); }, reps));
  if (ops.has('mulConst')) {
    const ks = plaintexts.map((m) => (m * 104729n) % pk.n);
    row('mulConst', timeOp((i) => { mulConst(pk, cts[i % 64]!, ks[i % 64]!); }, reps));
  }
  if (ops.has('thresholdKeygen') || ops.has('partialDecrypt') || ops.has('combine')) {
    let dealt: ReturnType<typeof dealThresholdKey> | undefined;
    const dealing = (): void => {
      dealt = dealThresholdKey({ bits, holders: BENCH_HOLDERS, threshold: BENCH_THRESHOLD });
    };
    const t = slow(dealing, ops.has('thresholdKeygen') ? keygenReps : 1);
    if (ops.has('thresholdKeygen')) row('thresholdKeygen', t);
    const tpk = dealt!.publicKey;
    const tms = plaintexts.slice(0, 8).map((m) => m % tpk.n);
    const tcts = tms.map((m) => encrypt(tpk, m));
    const holders = dealt!.shares.slice(0, BENCH_THRESHOLD);
    if (ops.has('partialDecrypt')) row('partialDecrypt', timeOp((i) => { partialDecrypt(holders[0]!, tcts[i % 8]!); }, reps));
    if (ops.has('combine')) {
      const parts = tcts.map((c) => holders.map((s) => partialDecrypt(s, c)));
      if (parts.some((ps, i) => combinePartials(tpk, ps) !== tms[i])) throw new Error('benchmark: threshold decryption is wrong');
      row('combine', timeOp((i) => { combinePartials(tpk, parts[i % 8]!); }, reps));
    }
  }
  return rows.sort((a, b) => BENCH_OPS.indexOf(a.op) - BENCH_OPS.indexOf(b.op));
}
