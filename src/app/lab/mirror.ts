/**
 * What lab mode must know of a simulated round BEFORE the simulator runs it, derived exactly as
 * src/sim/run.ts derives it from the seed: the round's threshold public key (to bind a worker-pool
 * {@link CryptoBackend} to it) and which series each virtual participant holds (for the omniscient
 * views). Both are deterministic for `config.seed`. Any drift from the simulator fails loudly: a
 * different key makes the Participant constructor throw ("layout modulus differs"), a different
 * assignment makes {@link checkSameData} throw. Retire this module once the simulator exposes a
 * dealt-key/backend hook and the participants' series in its details.
 * @module
 */
import { seededRng } from '../../core/rng';
import { clipSeries } from '../../core/series';
import { inertia } from '../../core/kmeans';
import { dealThresholdKey } from '../../crypto/threshold';
import type { ThresholdPublicKey } from '../../crypto/types';
import type { Dataset, Participant as DataParticipant } from '../../data/index';
import { assignParticipants } from '../../data/index';
import { defaultThreshold } from '../../protocol/chiaroscuro/round';
import { DEFAULT_KEY_HOLDERS } from '../../sim/run';
import type { RunConfig } from '../../sim/contract';

/** Key holders and threshold of a simulated round of N participants (the simulator's defaults). */
export function labHolders(N: number): { holders: number; threshold: number } {
  if (!Number.isSafeInteger(N) || N < 1) throw new RangeError(`labHolders: N must be a positive integer, got ${N}`);
  const holders = Math.min(DEFAULT_KEY_HOLDERS, N);
  return { holders, threshold: defaultThreshold(holders) };
}

/**
 * The threshold public key the simulator deals for `config` (same seeded generator). The shares are
 * dropped here: the simulator deals its own identical ones to the key holders.
 * @throws RangeError if config.keyBits is 0 (no key to deal)
 */
export function labRoundPublicKey(config: RunConfig): ThresholdPublicKey {
  if (config.keyBits === 0) throw new RangeError('labRoundPublicKey: key-bits 0 has no Paillier key');
  const { holders, threshold } = labHolders(config.participants);
  return dealThresholdKey({ bits: config.keyBits, holders, threshold, rng: seededRng(config.seed ^ 0xdea1) }).publicKey;
}

/** The simulator's participant assignment for `config` over `dataset` (same seeded generator). */
export function labAssignment(dataset: Dataset, config: RunConfig): { participants: DataParticipant[]; note?: string } {
  return assignParticipants(dataset, config.participants, config.seriesPerParticipant, seededRng(config.seed ^ 0x5eed));
}

/** Every participant's ≤ L series clipped to [lo, hi], as a Participant holds them. */
export function clippedData(participants: readonly DataParticipant[], L: number, lo: number, hi: number): Float64Array[][] {
  return participants.map((p) => p.series.slice(0, L).map((s) => clipSeries(s, lo, hi)));
}

/**
 * Checks that the lab's copy of the data is the simulator's: the inertia the simulator's evaluator
 * reported for `centroids` must equal the inertia on the lab's series (same values, same order).
 * @throws Error naming both numbers when they differ
 */
export function checkSameData(all: readonly Float64Array[], centroids: readonly number[][], reported: number): void {
  if (centroids.length === 0 || !Number.isFinite(reported)) return;
  const mine = inertia(all, centroids);
  if (Math.abs(mine - reported) > 1e-9 * Math.max(1, Math.abs(reported))) {
    throw new Error(`lab observer: its copy of the participants' data differs from the simulator's (inertia ${mine} vs ${reported})`);
  }
}
