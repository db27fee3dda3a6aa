import { describe, expect, it } from 'vitest';
import { clusterSums } from '../../../src/core/kmeans';
import { seededRng } from '../../../src/core/rng';
import { clipSeries } from '../../../src/core/series';
import { pack } from '../../../src/crypto/packing';
import { assignParticipants, generateTumorDataset } from '../../../src/data/index';
import { decodeMessage, MessageType } from '../../../src/protocol/chiaroscuro/messages';
import type { ChiaroscuroMessage } from '../../../src/protocol/chiaroscuro/messages';
import { roundLayout, slotCount } from '../../../src/protocol/chiaroscuro/round';
import type { RunConfig } from '../../../src/sim/contract';
import { runSimulationDetailed } from '../../../src/sim/run';
import { maxAbsDiff, smallConfig } from './helpers';

/** Both runs do the same exact integer arithmetic: only float rounding of the final ratios differs. */
const TRANSPARENCY_BOUND = 1e-9;

describe('encryption transparency', () => {
  it('512-bit threshold Paillier and key-bits 0 give the same centroids for the same seed', async () => {
    const base = smallConfig({ participants: 16, population: 16_000, k: 3, iterations: 2, seed: 5 });
    const plain = await runSimulationDetailed({ ...base, keyBits: 0 });
    const enc = await runSimulationDetailed({ ...base, keyBits: 512 });
    // Both reach the cap: a stall or an ejection here would say so instead of "0 iterations".
    expect([plain.details!.stopReason, enc.details!.stopReason]).toEqual(['max-iterations', 'max-iterations']);
    expect(enc.result.iterations).toHaveLength(2);
    expect(enc.details!.centroidsPerIteration).toHaveLength(plain.details!.centroidsPerIteration.length);
    enc.details!.centroidsPerIteration.forEach((cs, i) => {
      expect(maxAbsDiff(cs, plain.details!.centroidsPerIteration[i]!)).toBeLessThanOrEqual(TRANSPARENCY_BOUND);
    });
    expect(enc.result.final.epsilonSpent).toBeLessThanOrEqual(base.epsilon);
    // Encryption costs bytes: a 512-bit ciphertext is 128 bytes, the plain one 256 bytes of a 2048-bit modulus.
    expect(enc.result.iterations[0]!.bytesPerParticipant).toBeGreaterThan(0);
  });
});

/** Captures every frame of a small run and checks what a participant's plaintext could leak through. */
async function audit(cfg: RunConfig): Promise<{ leaks: string[]; frames: number }> {
  const frames: { from: string; to: string; frame: Uint8Array }[] = [];
  const { details } = await runSimulationDetailed(cfg, { noise: false, transport: 'bytes', onFrame: (from, to, frame) => frames.push({ from, to, frame }) });
  const round = details!.round;
  const layout = roundLayout(round);
  const ds = generateTumorDataset(seededRng(cfg.seed), cfg.participants, { seriesPerPatient: cfg.seriesPerParticipant });
  const series = assignParticipants(ds, cfg.participants, cfg.seriesPerParticipant, seededRng(cfg.seed ^ 0x5eed)).participants
    .map((p) => p.series.map((s) => clipSeries(s, round.lo, round.hi)));
  const n = round.publicKey.n;
  // Every participant's fresh plaintexts in every iteration (noise off: pure data), and raw series bytes.
  const needles: { what: string; bytes: Uint8Array }[] = [];
  const plaintexts = new Set<bigint>();
  const used = [round.initialCentroids, ...details!.centroidsPerIteration];
  series.forEach((data, i) => {
    for (const f of data.flatMap((s) => Array.from(s))) {
      if (f !== 0) needles.push({ what: `p${i} float64 ${f}`, bytes: new Uint8Array(Float64Array.of(f).buffer) });
    }
    for (let l = 0; l < details!.centroidsPerIteration.length; l++) {
      const cs = used[l]!;
      const { sums, counts } = clusterSums(data, cs, cs.length);
      const values = new Array<bigint>(slotCount(round)).fill(0n);
      const fx = (v: number): bigint => BigInt(Math.round(v * 2 ** round.fixedPointBits));
      sums.forEach((s, j) => { s.forEach((v, t) => { values[j * round.T + t] = fx(v); }); values[round.k * round.T + j] = fx(counts[j]!); });
      values[round.k * round.T + round.k] = fx(1);
      for (const p of pack(layout, values)) {
        plaintexts.add(p);
        const low = p & ((1n << 64n) - 1n);
        if (low !== 0n) {
          const b = new Uint8Array(8);
          for (let q = 0; q < 8; q++) b[7 - q] = Number((low >> BigInt(8 * q)) & 0xffn);
          needles.push({ what: `p${i} plaintext of iteration ${l + 1}`, bytes: b });
        }
      }
    }
  });
  const leaks: string[] = [];
  const holders = round.holderIds;
  const ctx = { round: round.round, minIteration: 0, maxIteration: round.iterations, ciphertextCount: Math.ceil(slotCount(round) / layout.slotsPerPlaintext), ciphertextBytes: 0, isValidCiphertext: () => true, isValidPartial: () => true, holders: holders.length, members: round.participants, census: round.census, k: round.k, T: round.T, maxFrameBytes: 1 << 22 };
  const published = new Set(details!.centroidsPerIteration.flat(2));
  for (const { from, to, frame } of frames) {
    // Structure: decode with the sender's ciphertext width (the first frame tells it).
    const width = cfg.keyBits > 0 ? Math.ceil((2 * cfg.keyBits) / 8) : 256;
    const r = decodeMessage(frame, { ...ctx, ciphertextBytes: width });
    if (!r.ok) { leaks.push(`undecodable frame ${from}→${to}: ${r.reason}`); continue; }
    const m: ChiaroscuroMessage = r.msg;
    if (m.type === MessageType.GossipPush || m.type === MessageType.DecryptRequest) {
      for (const c of m.ciphertexts) {
        if (plaintexts.has(c)) leaks.push(`${from}→${to} carries a participant plaintext as a "ciphertext"`);
        if (c < n) leaks.push(`${from}→${to} carries a value below n (not a Paillier ciphertext)`);
      }
    } else if (m.type === MessageType.KeyShare) {
      if (holders[m.index - 1] !== to) leaks.push(`key share ${m.index} sent to ${to}`);
    } else if (m.type === MessageType.PartialDecryption) {
      if (holders[m.holder - 1] !== from || !holders.includes(to)) leaks.push(`partial decryption ${from}→${to}`);
    } else if (m.type === MessageType.Centroids) {
      for (const c of m.centroids) for (const v of c) if (!published.has(v) && !round.initialCentroids.flat().includes(v)) leaks.push(`unpublished centroid value ${v}`);
    }
  }
  for (const { frame, from, to } of frames) {
    for (const nd of needles) if (indexOf(frame, nd.bytes) >= 0) leaks.push(`${nd.what} found in ${from}→${to}`);
  }
  return { leaks, frames: frames.length };
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0]!;
  outer: for (let i = hay.indexOf(first); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('wire audit', () => {
  const cfg = smallConfig({ participants: 10, population: 10, k: 3, iterations: 2, seed: 9, seriesPerParticipant: 2 });
  it('no frame of an encrypted round carries a participant plaintext, count or raw value', async () => {
    const { leaks, frames } = await audit({ ...cfg, keyBits: 512 });
    expect(frames).toBeGreaterThan(100);
    expect(leaks).toEqual([]);
  });
  it('the same audit catches the plaintexts of a key-bits 0 run (it can fail)', async () => {
    const { leaks } = await audit({ ...cfg, keyBits: 0 });
    expect(leaks.some((l) => l.includes('plaintext'))).toBe(true);
    expect(leaks.some((l) => l.includes('below n'))).toBe(true);
  });
});
