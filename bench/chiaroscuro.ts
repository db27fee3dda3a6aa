/**
 * Chiaroscuro per-participant cost of one iteration (BRIEF §7 `chiaroscuro` rows): pack and encrypt
 * the k·T sums + k counts + 1 weight, then `cycles` push-sum merges of received states, for one
 * participant among N = 1000 (⌈log2 N⌉ + 12 cycles). Bytes: the pushes it sends (with their
 * contributor census) plus the flooded public centroids to its 8 neighbours. The census messages of
 * the wait for contributors (a few per participant, N/8 bytes each) and threshold decryption (key
 * holders only) are not included.
 */
import { emptyCensus } from '../src/core/census';
import { seededRng } from '../src/core/rng';
import { dealThresholdKey } from '../src/crypto/threshold';
import { dealPlainThresholdKey } from '../src/crypto/schemes';
import { pack } from '../src/crypto/packing';
import { paillierBackend, plainBackend } from '../src/protocol/crypto-backend';
import { encodedSize, MessageType } from '../src/protocol/chiaroscuro/messages';
import { makeRoundConfig, roundLayout, slotCount } from '../src/protocol/chiaroscuro/round';

/** One row of the `chiaroscuro` section. */
export interface ChiaroscuroBenchRow {
  bits: number;
  k: number;
  T: number;
  msPerParticipantIteration: number;
  bytesPerParticipantIteration: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Measures one participant-iteration for each key size (0 = plain). */
export async function benchChiaroscuro(opts: { quick: boolean }): Promise<ChiaroscuroBenchRow[]> {
  const k = 20;
  const T = 24;
  const N = 1000;
  const sizes = opts.quick ? [0, 512, 1024] : [0, 512, 1024, 2048];
  const reps = opts.quick ? 1 : 3;
  const rows: ChiaroscuroBenchRow[] = [];
  for (const bits of sizes) {
    const holders = 10;
    const dealt = bits > 0
      ? dealThresholdKey({ bits: bits as 512 | 1024 | 2048, holders, threshold: 6, rng: seededRng(bits) })
      : dealPlainThresholdKey({ bits: 2048, holders, threshold: 6 });
    const cfg = makeRoundConfig({
      round: 'bench', k, T, L: 1, lo: 0, hi: 4, iterations: 10, epsilon: 1, strategy: 'uniform', smoothing: 1,
      keyBits: bits, holderIds: Array.from({ length: holders }, (_, i) => `h${i}`), threshold: 6,
      publicKey: dealt.publicKey, participants: N, population: N,
    });
    const layout = roundLayout(cfg);
    const backend = bits > 0 ? paillierBackend(dealt.publicKey, { variant: 'djn' }) : plainBackend(dealt.publicKey);
    const rng = seededRng(7);
    const values = Array.from({ length: slotCount(cfg) }, () => BigInt(Math.floor(rng.nextFloat() * 2 ** 30)));
    const times: number[] = [];
    let bytes = 0;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      let state = { c: await backend.encryptVector(pack(layout, values)), e: 0 };
      const other = state.c;
      for (let c = 1; c <= cfg.cycles; c++) state = await backend.mergeScaled(state.c, state.e + 1, other, c);
      times.push(performance.now() - t0);
      bytes = cfg.cycles * encodedSize({ type: MessageType.GossipPush, round: cfg.round, iteration: 1, exponent: cfg.cycles, ciphertexts: state.c, census: emptyCensus(N) }, backend.ciphertextBytes) +
        8 * encodedSize({ type: MessageType.Centroids, round: cfg.round, iteration: 1, final: false, epsilonSpent: 0, centroids: Array.from({ length: k }, () => new Float64Array(T)) }, backend.ciphertextBytes);
    }
    rows.push({ bits, k, T, msPerParticipantIteration: median(times), bytesPerParticipantIteration: bytes });
  }
  return rows;
}
