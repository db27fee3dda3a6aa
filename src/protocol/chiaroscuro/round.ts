/**
 * Round setup: the public {@link RoundConfig} every participant of a Chiaroscuro round shares (value
 * range, sizes, budget schedule, gossip cycles, key holders, public key, public initial centroids),
 * the derived packing layout and per-iteration noise scales, and the dealer's threshold key
 * distribution. Nothing here depends on any participant's private data.
 * @module
 */
import { CENSUS_MAX_MEMBERS } from '../../core/census';
import { initialCentroids } from '../../core/initial-centroids';
import { seededRng } from '../../core/rng';
import type { PeerId } from '../../core/transport';
import { allocateBudget, optimalSumsFraction, splitIterationBudget } from '../../core/dp/budget';
import type { BudgetStrategy } from '../../core/dp/budget';
import { countSensitivity, inertiaSensitivity, sumSensitivity } from '../../core/dp/sensitivity';
import { oversizedContributors } from '../../core/dp/noise-shares';
import { packingLayout } from '../../crypto/packing';
import type { PackingLayout } from '../../crypto/packing';
import type { KeyShare, ThresholdPublicKey } from '../../crypto/types';

/** Gossip cycles beyond ⌈log2 N⌉; measured in docs/PROTOCOL.md (push-sum error ≪ DP noise). */
export const EXTRA_GOSSIP_CYCLES = 12;
/**
 * Exponent headroom over `cycles`: for nodes that catch up with a gossip they began late, and for the
 * relays of late contributions after the cycles (participant.ts). 8 rather than 4: on 50 tabs of one
 * machine at 2048 bits the holders' aggregates still missed 3–7 of 50 contributions with 4; it costs
 * 4 bits per slot (13 → 14 ciphertexts at 1024 bits, k = 8, T = 24, N = 50).
 */
export const EXPONENT_SLACK = 8;
/** Default probability that an empty cluster survives ejection (see docs/PROTOCOL.md, threshold study). */
export const DEFAULT_EJECTION_FALSE_KEEP = 0.01;
/** A noise share is resampled when beyond NOISE_TAIL·b (probability < e^−40): bounds slot width. */
export const NOISE_TAIL = 40;

/** Everything public about one round, identical at every participant. Plain data. */
export interface RoundConfig {
  /** Round id (≤ 64 bytes), tags every message. */
  round: string;
  /** Initial number of centroids. */
  k: number;
  /** Series length. */
  T: number;
  /** Max series per participant (user-level DP). */
  L: number;
  /** Public value range; every value is clipped to it. */
  lo: number;
  hi: number;
  /** Iteration cap I. */
  iterations: number;
  /** Total ε and its allocation. */
  epsilon: number;
  strategy: BudgetStrategy;
  /** Per-iteration budgets ε_1…ε_I (Σ ≤ ε). */
  budgets: number[];
  /** Fraction of ε_ℓ spent on the sums (the rest on the counts), after the inertia share. */
  sumsFraction: number;
  /**
   * Fraction of ε_ℓ spent on a private inertia estimate (BRIEF §3.8); 0 = none. The estimate rides in
   * one more slot of the same encrypted, noised aggregate and is released with the centroids.
   */
  inertiaFraction: number;
  /** Moving-average window on the released centroids; 1 = off. */
  smoothing: number;
  /** Paillier modulus bits; 0 = plain arithmetic. */
  keyBits: number;
  /** Key holders (peer ids, index i ↦ holder i + 1) and threshold t. */
  holderIds: PeerId[];
  threshold: number;
  /** The round's threshold public key (for plain: the plain modulus). */
  publicKey: ThresholdPublicKey;
  /** N: participants expected to contribute. */
  participants: number;
  /** P ≥ N: population the noise is calibrated for. */
  population: number;
  /** Expected dropout fraction: noise shares are oversized for it. */
  dropout: number;
  /**
   * Whether gossip states carry a contributor census (src/core/census.ts): an iteration's gossip
   * starts once n′ members are known to have encrypted their contribution, and no aggregate with
   * fewer than n′ contributors is decrypted. Always on in real rounds; the simulator turns it off
   * above {@link CENSUS_MAX_MEMBERS} participants (its memory grows as N²/8).
   */
  census: boolean;
  /** Gossip cycles C per iteration and their virtual/real period. */
  cycles: number;
  cycleMs: number;
  /** Fixed-point scale 2^fixedPointBits. */
  fixedPointBits: number;
  /** Stop once no centroid moves more than this (value units); 0 = never on stability. */
  stabilityTolerance: number;
  /** Probability that an empty cluster survives ejection (see core/ejection). */
  ejectionFalseKeep: number;
  /** Public initial centroids (data independent). */
  initialCentroids: number[][];
  /** TEST ONLY: false disables DP noise (checks the protocol against centralised Lloyd). */
  noise: boolean;
}

/**
 * Inputs of {@link makeRoundConfig}: the public choices of a round; everything else in
 * {@link RoundConfig} is derived, and the optional knobs take documented defaults
 * (threshold: a majority of holders; ejectionFalseKeep 0.01; …).
 */
export type RoundParams =
  Pick<RoundConfig, 'round' | 'k' | 'T' | 'L' | 'lo' | 'hi' | 'iterations' | 'epsilon' | 'strategy' | 'smoothing'
    | 'keyBits' | 'holderIds' | 'publicKey' | 'participants'>
  & Partial<Pick<RoundConfig, 'threshold' | 'population' | 'dropout' | 'cycles' | 'cycleMs' | 'stabilityTolerance'
    | 'ejectionFalseKeep' | 'noise' | 'inertiaFraction' | 'census'>>
  & {
    /** Seed of the public initial centroids (default 1). */
    initSeed?: number;
  };

/** Default gossip cycles for N participants: ⌈log2 N⌉ + {@link EXTRA_GOSSIP_CYCLES}. */
export function defaultCycles(N: number): number {
  return Math.ceil(Math.log2(Math.max(2, N))) + EXTRA_GOSSIP_CYCLES;
}

/** Default threshold for h holders: a strict majority (h = 10 → 6). */
export function defaultThreshold(holders: number): number {
  return Math.floor(holders / 2) + 1;
}

function posInt(x: number, what: string, min = 1): void {
  if (!Number.isSafeInteger(x) || x < min) throw new RangeError(`makeRoundConfig: ${what} must be an integer ≥ ${min}, got ${x}`);
}

/**
 * Builds and validates a round's public configuration.
 * @throws RangeError on any inconsistent or out-of-range parameter
 */
export function makeRoundConfig(p: RoundParams): RoundConfig {
  if (typeof p.round !== 'string' || p.round.length === 0 || new TextEncoder().encode(p.round).length > 64) {
    throw new RangeError('makeRoundConfig: round id must be 1..64 bytes');
  }
  posInt(p.k, 'k');
  posInt(p.T, 'T');
  posInt(p.L, 'L');
  posInt(p.iterations, 'iterations');
  posInt(p.participants, 'participants');
  posInt(p.smoothing, 'smoothing');
  if (!Number.isFinite(p.lo) || !Number.isFinite(p.hi) || !(p.lo < p.hi)) throw new RangeError(`makeRoundConfig: need finite lo < hi, got [${p.lo}, ${p.hi}]`);
  const population = p.population ?? p.participants;
  if (!Number.isFinite(population) || population < p.participants) {
    throw new RangeError(`makeRoundConfig: population (${population}) must be ≥ participants (${p.participants})`);
  }
  const holders = p.holderIds.length;
  if (holders < 1 || new Set(p.holderIds).size !== holders) throw new RangeError('makeRoundConfig: need ≥ 1 distinct key holder ids');
  const threshold = p.threshold ?? defaultThreshold(holders);
  posInt(threshold, 'threshold');
  if (threshold > holders) throw new RangeError(`makeRoundConfig: threshold ${threshold} > holders ${holders}`);
  if (p.publicKey.holders !== holders || p.publicKey.threshold !== threshold) {
    throw new RangeError(`makeRoundConfig: public key is for ${p.publicKey.threshold}-of-${p.publicKey.holders}, round wants ${threshold}-of-${holders}`);
  }
  const dropout = p.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`makeRoundConfig: dropout must be in [0, 1), got ${dropout}`);
  const census = p.census ?? true;
  if (census && p.participants > CENSUS_MAX_MEMBERS) {
    throw new RangeError(`makeRoundConfig: a contributor census covers at most ${CENSUS_MAX_MEMBERS} participants, got ${p.participants}`);
  }
  const cycles = p.cycles ?? defaultCycles(p.participants);
  posInt(cycles, 'cycles');
  const cycleMs = p.cycleMs ?? 1000;
  if (!(cycleMs > 0)) throw new RangeError(`makeRoundConfig: cycleMs must be > 0, got ${cycleMs}`);
  const M = Math.max(Math.abs(p.lo), Math.abs(p.hi));
  // About 30 bits of precision for one value: quantisation far below any DP noise.
  const fixedPointBits = Math.max(4, 30 - Math.ceil(Math.log2(M)));
  const budgets = allocateBudget(p.strategy, p.epsilon, p.iterations);
  const ejectionFalseKeep = p.ejectionFalseKeep ?? DEFAULT_EJECTION_FALSE_KEEP;
  const inertiaFraction = p.inertiaFraction ?? 0;
  if (!(inertiaFraction >= 0 && inertiaFraction <= 0.5)) throw new RangeError(`makeRoundConfig: inertiaFraction must be in [0, 0.5], got ${inertiaFraction}`);
  if (!(ejectionFalseKeep > 0 && ejectionFalseKeep < 0.5)) throw new RangeError(`makeRoundConfig: ejectionFalseKeep must be in (0, 0.5), got ${ejectionFalseKeep}`);
  return {
    round: p.round,
    k: p.k,
    T: p.T,
    L: p.L,
    lo: p.lo,
    hi: p.hi,
    iterations: p.iterations,
    epsilon: p.epsilon,
    strategy: p.strategy,
    budgets,
    sumsFraction: optimalSumsFraction(p.T),
    inertiaFraction,
    smoothing: p.smoothing,
    keyBits: p.keyBits,
    holderIds: [...p.holderIds],
    threshold,
    publicKey: p.publicKey,
    participants: p.participants,
    population,
    dropout,
    census,
    cycles,
    cycleMs,
    fixedPointBits,
    stabilityTolerance: p.stabilityTolerance ?? 0,
    ejectionFalseKeep,
    initialCentroids: initialCentroids({ k: p.k, T: p.T, lo: p.lo, hi: p.hi, rng: seededRng(p.initSeed ?? 1) }),
    noise: p.noise ?? true,
  };
}

/** One iteration's DP parameters. */
export interface IterationNoise {
  /** ε_ℓ and its split (epsInertia = 0 without a private inertia estimate). */
  epsilon: number;
  epsSums: number;
  epsCounts: number;
  epsInertia: number;
  /** Laplace scales the aggregate must carry at population P: Δ/ε. */
  bSums: number;
  bCounts: number;
  /**
   * Scales the N simulated participants' shares sum to: b·N/P. With P = N they equal bSums/bCounts;
   * with P > N the noise keeps the same ratio to the signal as P participants would produce
   * (the seed demo's ε × shrinkFactor).
   */
  shareBSums: number;
  shareBCounts: number;
  /** Laplace scale of the inertia estimate and its shares' (Infinity / unused when epsInertia = 0). */
  bInertia: number;
  shareBInertia: number;
  /** The n′ of noise shares (expected contributors, oversized for dropouts). */
  contributors: number;
}

/**
 * DP parameters of iteration ℓ (1-based).
 * @throws RangeError if ℓ is outside 1..iterations
 */
export function iterationNoise(cfg: RoundConfig, iteration: number): IterationNoise {
  const epsilon = cfg.budgets[iteration - 1];
  if (epsilon === undefined) throw new RangeError(`iterationNoise: iteration ${iteration} outside 1..${cfg.iterations}`);
  // The inertia share comes off the top; sums and counts split the rest as without it.
  const epsInertia = epsilon * cfg.inertiaFraction;
  const { sums: epsSums, counts: epsCounts } = splitIterationBudget(epsilon - epsInertia, cfg.sumsFraction);
  const bSums = sumSensitivity({ L: cfg.L, T: cfg.T, lo: cfg.lo, hi: cfg.hi }) / epsSums;
  const bCounts = countSensitivity({ L: cfg.L }) / epsCounts;
  const bInertia = epsInertia > 0 ? inertiaSensitivity({ L: cfg.L, T: cfg.T, lo: cfg.lo, hi: cfg.hi }) / epsInertia : Infinity;
  const shrink = cfg.participants / cfg.population;
  return {
    epsilon, epsSums, epsCounts, epsInertia, bSums, bCounts, bInertia,
    shareBSums: bSums * shrink,
    shareBCounts: bCounts * shrink,
    shareBInertia: bInertia * shrink,
    contributors: oversizedContributors(cfg.participants, cfg.dropout),
  };
}

/**
 * Slots of one contribution: k·T sums, k counts, one public weight (1 per participant), and with a
 * private inertia estimate one more: the participant's capped squared-distance sum.
 */
export function slotCount(cfg: RoundConfig): number {
  return cfg.k * cfg.T + cfg.k + 1 + (cfg.inertiaFraction > 0 ? 1 : 0);
}

/** Index of the inertia slot (after the weight); only meaningful when `inertiaFraction > 0`. */
export function inertiaSlot(cfg: RoundConfig): number {
  return cfg.k * cfg.T + cfg.k + 1;
}

/** The per-series cap of squared distances: T·(hi − lo)² (what `inertiaSensitivity` assumes). */
export function inertiaCap(cfg: RoundConfig): number {
  return cfg.T * (cfg.hi - cfg.lo) ** 2;
}

/**
 * The packing layout: a slot holds one participant's fixed-point value (data + a noise share bounded
 * by NOISE_TAIL·b), summed over up to N participants' masses, times 2^cycles of push-sum growth.
 */
export function roundLayout(cfg: RoundConfig): PackingLayout {
  const inertiaMax = cfg.inertiaFraction > 0 ? cfg.L * inertiaCap(cfg) : 0;
  let maxAbs = Math.max(cfg.L * Math.max(Math.abs(cfg.lo), Math.abs(cfg.hi)), cfg.L, inertiaMax, 1);
  if (cfg.noise) {
    for (let l = 1; l <= cfg.iterations; l++) {
      const z = iterationNoise(cfg, l);
      maxAbs = Math.max(maxAbs, cfg.L * Math.max(Math.abs(cfg.lo), Math.abs(cfg.hi)) + NOISE_TAIL * z.shareBSums, cfg.L + NOISE_TAIL * z.shareBCounts);
      if (inertiaMax > 0) maxAbs = Math.max(maxAbs, inertiaMax + NOISE_TAIL * z.shareBInertia);
    }
  }
  const valueBits = Math.ceil(Math.log2(maxAbs)) + cfg.fixedPointBits + 2;
  return packingLayout({
    modulus: cfg.publicKey.n,
    valueBits,
    summands: cfg.participants,
    scalingBits: maxExponent(cfg),
  });
}

/** Largest push-sum exponent a state may reach: cycles + {@link EXPONENT_SLACK}. */
export function maxExponent(cfg: RoundConfig): number {
  return cfg.cycles + EXPONENT_SLACK;
}

/** Plaintexts (= ciphertexts) per gossip state. */
export function ciphertextCount(cfg: RoundConfig, layout: PackingLayout = roundLayout(cfg)): number {
  return Math.ceil(slotCount(cfg) / layout.slotsPerPlaintext);
}

/** A dealt threshold key: public key plus one share per holder. */
export interface DealtKey {
  publicKey: ThresholdPublicKey;
  shares: KeyShare[];
}

/**
 * The plain "threshold key" of `--key-bits 0`: the plain modulus as n, identity shares (secret 0).
 * @param n plain modulus (e.g. `plainModulus(bits)` from src/crypto)
 */
export function plainDealtKey(n: bigint, holders: number, threshold: number): DealtKey {
  if (!(threshold >= 1 && threshold <= holders)) throw new RangeError(`plainDealtKey: bad threshold ${threshold} of ${holders}`);
  const publicKey: ThresholdPublicKey = { n, bits: 0, holders, threshold };
  return { publicKey, shares: Array.from({ length: holders }, (_, i) => ({ publicKey, index: i + 1, secret: 0n })) };
}
