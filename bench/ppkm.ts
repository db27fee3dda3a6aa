/**
 * Zhu & Li 2020, Table 3: seconds of crypto per node-iteration, 2048-bit keys, k = 8, d = 8, 500
 * records per node, |Γ| ∈ {5, 10, 15, 20, 25, 30}. Counted one after another (one core), with the
 * protocol's own functions: the |Γ|+1 nodes' encryptions of their local values, N_i's aggregation and
 * masking, N_i's encryption of its division shares, the assistant's decryptions, its blinding (its
 * share's encryption and the λ exponentiations), and N_i's final decryptions.
 *
 * Encryption randomness is DJN short-exponent h_s^α (256-bit α) computed INLINE, so the online figure
 * includes fresh randomness. Offline, not counted: key generation and the one-off DJN set-up per key
 * (one full exponentiation plus a fixed-base table); both are reported separately.
 *
 * Times are CPU seconds (process.cpuUsage) of the single thread that does everything, so a busy
 * shared machine does not inflate them; on an idle core they equal wall time.
 *
 * Run alone: `npx tsx bench/ppkm.ts [--quick] [--json FILE]`.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { seededRng } from '../src/core/rng';
import { generateKeyPair } from '../src/crypto/paillier';
import { aggregateAndMask, decryptShares, encryptContribution } from '../src/protocol/ppkm/aggregation';
import { paillierPpkmCrypto } from '../src/protocol/ppkm/crypto';
import type { PpkmCrypto } from '../src/protocol/ppkm/crypto';
import { divisionBlind, divisionFinish, divisionOutputCount, divisionRequest } from '../src/protocol/ppkm/division';
import { aggregationLayout, divisionSpecs } from '../src/protocol/ppkm/layout';
import { localValues, prepareLocalData } from '../src/protocol/ppkm/local-stats';
import type { PpkmParams, PpkmVariant } from '../src/protocol/ppkm/params';
import { deriveSizes, valueCount } from '../src/protocol/ppkm/params';

/** One row of the ppkm bench (BRIEF §7 fields first). */
export interface PpkmBenchRow {
  variant: PpkmVariant;
  neighbors: number;
  bits: number;
  secondsPerNodeIteration: number;
  /** Zhu & Li's Table 3 (python-paillier, 4 cores, a narrower count), where they report one. */
  paperSeconds?: number;
  /** Ciphertexts each node sends for one request, and the ciphertexts N_i decrypts in the divisions. */
  ciphertextsPerNode?: number;
  divisionCiphertexts?: number;
  /** Breakdown of secondsPerNodeIteration. */
  breakdown?: { encryptLocal: number; aggregateMask: number; divisionRequest: number; assistantDecrypt: number; assistantBlind: number; divisionFinish: number };
}

/** Zhu & Li 2020, Table 3 (seconds). */
export const PAPER_TABLE3: Record<'b' | 'e', readonly number[]> = {
  b: [0.72, 1.63, 2.53, 3.27, 4.01, 4.63],
  e: [0.12, 0.25, 0.39, 0.51, 0.62, 0.74],
};
/** |Γ| values of Table 3. */
export const TABLE3_NEIGHBOURS: readonly number[] = [5, 10, 15, 20, 25, 30];

const K = 8, D = 8, RECORDS = 500, BITS = 2048;

function params(variant: PpkmVariant): PpkmParams {
  return {
    variant, k: K, d: D, lo: Array<number>(D).fill(0), hi: Array<number>(D).fill(1),
    fractionBits: 16, maxRecords: RECORDS, maxNeighbours: 30, kappa: 40, lambdaBits: 64,
    keyBits: BITS, epsStop: 1e-6, maxIterations: 100,
    initialCentroids: Array.from({ length: K }, (_, j) => Array<number>(D).fill((j + 0.5) / K)),
  };
}

/** CPU seconds (user + system) of this process: robust on a shared machine, ≈ wall time on an idle core. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function timed<T>(acc: { s: number }, fn: () => Promise<T>): Promise<T> {
  const t0 = cpuSeconds();
  const out = await fn();
  acc.s += cpuSeconds() - t0;
  return out;
}

/** One node-iteration of `variant` with |Γ| = neighbours, all crypto counted sequentially. */
async function nodeIteration(variant: PpkmVariant, neighbours: number, crypto: PpkmCrypto, keys: Keys): Promise<PpkmBenchRow> {
  const p = params(variant);
  const z = deriveSizes(p);
  const layout = aggregationLayout(p, z);
  const specs = divisionSpecs(p, z);
  const V = valueCount(p);
  const rng = seededRng(neighbours * 101 + variant.length);
  const values = Array.from({ length: neighbours + 1 }, () => {
    const recs = Array.from({ length: RECORDS }, () => Array.from({ length: D }, () => rng.nextFloat()));
    return localValues(prepareLocalData(recs, p), p.initialCentroids, p);
  });
  const t = { encryptLocal: { s: 0 }, aggregateMask: { s: 0 }, divisionRequest: { s: 0 }, assistantDecrypt: { s: 0 }, assistantBlind: { s: 0 }, divisionFinish: { s: 0 } };
  const contributions: bigint[][] = [];
  for (const v of values) contributions.push(await timed(t.encryptLocal, () => encryptContribution(crypto, keys.agg.publicKey, v, layout)));
  const { masked, masks } = await timed(t.aggregateMask, () => aggregateAndMask(crypto, keys.agg.publicKey, contributions, layout, V, z.maskBits, rng));
  const request = await timed(t.divisionRequest, () => divisionRequest(crypto, keys.div.publicKey, masks, specs));
  const shares = await timed(t.assistantDecrypt, () => decryptShares(crypto, keys.agg, masked, layout, V));
  const blinded = await timed(t.assistantBlind, () => divisionBlind(crypto, keys.div.publicKey, request, shares, specs, rng));
  const ratios = await timed(t.divisionFinish, () => divisionFinish(crypto, keys.div, blinded, specs, V));
  // Sanity: the protocol's ratios are the true means (a wrong bench would be worse than none).
  const sum = (idx: number): bigint => values.reduce((a, v) => a + v[idx]!, 0n);
  const expect = Number(sum(0)) / Number(sum(D));
  if (Math.abs(ratios[0]! - expect) > 1e-6 * Math.max(1, expect)) throw new Error(`bench ppkm ${variant}: wrong ratio ${ratios[0]} vs ${expect}`);
  const breakdown = {
    encryptLocal: t.encryptLocal.s, aggregateMask: t.aggregateMask.s, divisionRequest: t.divisionRequest.s,
    assistantDecrypt: t.assistantDecrypt.s, assistantBlind: t.assistantBlind.s, divisionFinish: t.divisionFinish.s,
  };
  const idx = TABLE3_NEIGHBOURS.indexOf(neighbours);
  return {
    variant, neighbors: neighbours, bits: BITS,
    secondsPerNodeIteration: Object.values(breakdown).reduce((a, b) => a + b, 0),
    ...(variant !== 'packed' && idx >= 0 ? { paperSeconds: PAPER_TABLE3[variant][idx] } : {}),
    ciphertextsPerNode: layout.plaintexts.length,
    divisionCiphertexts: divisionOutputCount(specs),
    breakdown,
  };
}

interface Keys {
  agg: ReturnType<typeof generateKeyPair>;
  div: ReturnType<typeof generateKeyPair>;
}

/** Offline costs reported next to the table (seconds). */
export interface PpkmBenchOffline {
  keygenSeconds: number;
  djnSetupSeconds: number;
}

/**
 * Table 3 reproduction (`variants` / `neighbours` restrict it); times are CPU seconds of the one thread doing all the work. `quick`: packed
 * at |Γ| ∈ {5, 30}, PPkM_e at |Γ| = 5, no PPkM_b (its 128 full-size λ exponentiations alone take
 * several seconds), so it stays under a minute.
 * @param onOffline receives the offline (uncounted) costs
 */
export async function benchPpkm(
  opts: { quick: boolean; variants?: readonly PpkmVariant[]; neighbours?: readonly number[] },
  onOffline?: (o: PpkmBenchOffline) => void,
): Promise<PpkmBenchRow[]> {
  const t0 = cpuSeconds();
  const keys: Keys = { agg: generateKeyPair(BITS), div: generateKeyPair(BITS) };
  const keygenSeconds = (cpuSeconds() - t0) / 2;
  const crypto = paillierPpkmCrypto(BITS, { encryption: 'djn' });
  // Offline: the DJN set-up of both keys (h_s and its fixed-base table), built by a first encryption.
  const t1 = cpuSeconds();
  await crypto.encrypt(keys.agg.publicKey, [0n]);
  await crypto.encrypt(keys.div.publicKey, [0n]);
  onOffline?.({ keygenSeconds, djnSetupSeconds: (cpuSeconds() - t1) / 2 });
  const gammas = opts.neighbours ?? (opts.quick ? [5, 30] : TABLE3_NEIGHBOURS);
  const rows: PpkmBenchRow[] = [];
  for (const variant of opts.variants ?? (['packed', 'e', 'b'] as const)) {
    for (const g of gammas) {
      if (opts.quick && (variant === 'b' || (variant === 'e' && g !== 5))) continue;
      rows.push(await nodeIteration(variant, g, crypto, keys));
    }
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const jsonAt = process.argv.indexOf('--json');
  let offline: PpkmBenchOffline | undefined;
  const rows = await benchPpkm({ quick }, (o) => { offline = o; });
  console.log(`PPkM Table 3 (2048-bit, k=8, d=8, 500 records/node), seconds per node-iteration; offline: keygen ${offline?.keygenSeconds.toFixed(2)} s/key, DJN set-up ${offline?.djnSetupSeconds.toFixed(2)} s/key`);
  for (const r of rows) {
    console.log(`${r.variant.padEnd(6)} |Γ|=${String(r.neighbors).padStart(2)}  ${r.secondsPerNodeIteration.toFixed(3)} s  paper ${r.paperSeconds ?? '—'}  cts/node ${r.ciphertextsPerNode}  div cts ${r.divisionCiphertexts}  ${JSON.stringify(Object.fromEntries(Object.entries(r.breakdown ?? {}).map(([k, v]) => [k, +v.toFixed(3)])))}`);
  }
  if (jsonAt > 0) {
    const file = process.argv[jsonAt + 1];
    if (!file) throw new Error('--json needs a file name');
    writeFileSync(file, JSON.stringify({ ppkm: rows, offline }, null, 2));
  }
}
