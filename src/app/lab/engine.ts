/**
 * Lab-mode engine: one tab plays M virtual participants with an OMNISCIENT observer, so the seed
 * demo's illustrative views (sampled participants' own series, centroids before noise) can be drawn.
 * It computes exactly what Chiaroscuro's iteration publishes — per-centroid sums and counts of the
 * clipped data, Laplace noise of scale Δ/ε_ℓ calibrated for the population P (the demo's shrinkFactor
 * P/N multiplies ε), ejection of centroids with too small noisy counts, moving-average smoothing —
 * centrally and in the clear, then optionally pushes every participant's contribution through real
 * additively homomorphic encryption ({@link LabCrypto}) to measure its cost and check the decrypted
 * aggregate. A real swarm never reveals any of the omniscient values.
 * @module
 */
import { clusterSums, inertia as meanInertia, lloyd, nearestCentroid } from '../../core/kmeans';
import { clipSeries } from '../../core/series';
import { initialCentroids } from '../../core/initial-centroids';
import { sampleLaplace } from '../../core/dp/laplace';
import { seededRng } from '../../core/rng';
import type { IterationReport, RunConfig, RunResult } from '../../sim/contract';
import type { NoisePair, RunRecord, SampledParticipant } from '../run-record';
import { iterationCost, REFERENCE_OP_TIMES, iterationMs } from '../../ui/logic/cost-model';

/** The data of one lab run. */
export interface LabInput {
  config: RunConfig;
  participants: ReadonlyArray<{ owner: string; series: readonly Float64Array[] }>;
  T: number;
  lo: number;
  hi: number;
  unit: string;
  /** e.g. `electricity`. */
  datasetLabel: string;
}

/** Progress of a lab run. */
export interface LabProgress {
  iteration: number;
  iterations: number;
  phase: 'assign' | 'encrypt' | 'aggregate' | 'decrypt' | 'post-process' | 'done';
  /** 0..1 over the whole run. */
  fraction: number;
  epsilonSpent: number;
}

/** Real encryption of the contributions of one iteration (the worker pool implements it). */
export interface LabCrypto {
  /**
   * Encrypts each participant's contribution (integers, fixed-point encoded by the caller), adds all
   * ciphertexts homomorphically and decrypts the total.
   */
  aggregate(contributions: readonly bigint[][], onPhase: (phase: 'encrypt' | 'aggregate' | 'decrypt') => void): Promise<{
    total: bigint[];
    /** Milliseconds per participant for encrypt / add / decrypt. */
    msPerParticipant: { encrypt: number; add: number; decrypt: number };
    bytesPerParticipant: number;
  }>;
}

/** Optional hooks of {@link runLab}. */
export interface LabHooks {
  onProgress?: (p: LabProgress) => void;
  crypto?: LabCrypto;
  signal?: AbortSignal;
}

/** Fixed-point scale used to turn sums into integers for encryption (6 decimals). */
export const LAB_FIXED_SCALE = 1_000_000;

/** Per-iteration budgets: uniform ε/I, or geometric ε/2^ℓ with the remainder to the last (BRIEF §3.7). */
export function labBudget(strategy: RunConfig['strategy'], epsilon: number, iterations: number): number[] {
  if (strategy === 'uniform') return Array.from({ length: iterations }, () => epsilon / iterations);
  const out: number[] = [];
  let left = epsilon;
  for (let l = 1; l < iterations; l++) { const e = epsilon / 2 ** l; out.push(e); left -= e; }
  out.push(left);
  return out;
}

/** Centred moving average with windows shrinking at the edges; w = 1 is the identity. */
export function smooth(series: readonly number[], w: number): number[] {
  if (w <= 1) return series.slice();
  const half = Math.floor(w / 2);
  return series.map((_, t) => {
    const a = Math.max(0, t - half);
    const b = Math.min(series.length, t - half + w);
    let s = 0;
    for (let i = a; i < b; i++) s += series[i]!;
    return s / (b - a);
  });
}

function yieldToUi(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}

/**
 * Runs the lab simulation and returns a complete {@link RunRecord} (public outputs + lab extras).
 * @throws RangeError on an empty population or config/data mismatch; an AbortError when aborted
 */
export async function runLab(input: LabInput, hooks: LabHooks = {}): Promise<RunRecord> {
  const { config, participants, T, lo, hi } = input;
  if (participants.length === 0) throw new RangeError('runLab: no participants');
  if (!(config.epsilon > 0)) throw new RangeError(`runLab: epsilon must be > 0, got ${config.epsilon}`);
  if (config.population < participants.length) {
    throw new RangeError(`runLab: population (${config.population}) must be ≥ participants (${participants.length})`);
  }
  const started = performance.now();
  const rng = seededRng(config.seed);
  const N = participants.length;
  const L = config.seriesPerParticipant;
  const clipped = participants.map((p) => p.series.slice(0, L).map((s) => clipSeries(s, lo, hi)));
  const all = clipped.flat();
  const shrink = config.population / N;
  const budgets = labBudget(config.strategy, config.epsilon, config.iterations);
  const sumSensitivity = L * T * Math.max(Math.abs(lo), Math.abs(hi));
  const countSensitivity = L;

  const init = initialCentroids({ k: config.k, T, lo, hi, rng: seededRng(config.seed), shape: 'flat-levels' });
  let ids = init.map((_, j) => j);
  let centroids: number[][] = init;

  // Four sampled participants (the seed demo's "four participants sampled at random").
  const sampleIdx: number[] = [];
  while (sampleIdx.length < Math.min(4, N)) {
    const i = rng.nextUint32() % N;
    if (!sampleIdx.includes(i)) sampleIdx.push(i);
  }
  const sampled: SampledParticipant[] = sampleIdx.map((i) => ({
    label: `participant #${i + 1}`,
    series: Array.from(clipped[i]![0] ?? new Float64Array(T)),
    closest: [],
  }));

  const reports: IterationReport[] = [];
  const perIteration: number[][][] = [];
  const noise: NoisePair[][] = [];
  let spent = 0;
  const progress = (iteration: number, phase: LabProgress['phase'], within: number): void => {
    hooks.onProgress?.({ iteration, iterations: config.iterations, phase, fraction: Math.min(1, (iteration - 1 + within) / config.iterations), epsilonSpent: spent });
  };

  for (let l = 1; l <= config.iterations && centroids.length > 0; l++) {
    if (hooks.signal?.aborted) throw new DOMException('Lab run aborted', 'AbortError');
    progress(l, 'assign', 0);
    await yieldToUi();
    const k = centroids.length;
    const eps = budgets[l - 1]!;
    const epsEff = eps * shrink;
    const bSum = sumSensitivity / (epsEff / 2);
    const bCount = countSensitivity / (epsEff / 2);

    // Per-participant contributions (what each tab would encrypt) and their clear total.
    const contributions = clipped.map((series) => clusterSums(series, centroids, k));
    const sums = Array.from({ length: k }, () => new Float64Array(T));
    const counts = new Float64Array(k);
    for (const c of contributions) {
      for (let j = 0; j < k; j++) {
        counts[j]! += c.counts[j]!;
        const s = sums[j]!, cs = c.sums[j]!;
        for (let t = 0; t < T; t++) s[t]! += cs[t]!;
      }
    }

    let ms = { encrypt: 0, add: 0, decrypt: 0 };
    let bytes: number;
    if (hooks.crypto) {
      const encoded = contributions.map((c) => {
        const v: bigint[] = [];
        for (let j = 0; j < k; j++) {
          for (let t = 0; t < T; t++) v.push(BigInt(Math.round(c.sums[j]![t]! * LAB_FIXED_SCALE)));
          v.push(BigInt(c.counts[j]!));
        }
        return v;
      });
      const out = await hooks.crypto.aggregate(encoded, (phase) => progress(l, phase, phase === 'encrypt' ? 0.2 : phase === 'aggregate' ? 0.6 : 0.8));
      // The decrypted aggregate replaces the clear one: the views show what encryption actually returned.
      for (let j = 0; j < k; j++) {
        for (let t = 0; t < T; t++) sums[j]![t] = Number(out.total[j * (T + 1) + t]!) / LAB_FIXED_SCALE;
        counts[j] = Number(out.total[j * (T + 1) + T]!);
      }
      ms = out.msPerParticipant;
      bytes = out.bytesPerParticipant;
    } else {
      const bits = config.keyBits === 0 ? 1024 : config.keyBits;
      const cost = iterationCost({ k, T, participants: N, keyHolders: 10 }, bits);
      const ops = REFERENCE_OP_TIMES.find((o) => o.bits === bits) ?? REFERENCE_OP_TIMES[1]!;
      if (config.keyBits !== 0) ms = iterationMs(cost, ops);
      bytes = cost.bytes;
    }
    progress(l, 'post-process', 0.9);

    // Noise = the sum of everyone's Gamma-difference shares, i.e. one Laplace(b) per released value.
    const nextIds: number[] = [];
    const next: number[][] = [];
    const pairs: NoisePair[] = [];
    const minCount = Math.max(2, 3 * Math.SQRT2 * bCount);
    for (let j = 0; j < k; j++) {
      const noisyCount = counts[j]! + sampleLaplace(rng, bCount);
      const noisySum = Array.from(sums[j]!, (v) => v + sampleLaplace(rng, bSum));
      if (noisyCount < minCount) continue; // ejected: too few series to be meaningful under noise
      const after = smooth(noisySum.map((v) => Math.min(hi, Math.max(lo, v / noisyCount))), config.smoothing);
      next.push(after);
      nextIds.push(ids[j]!);
      if (pairs.length < 4 && counts[j]! > 0) {
        pairs.push({ id: ids[j]!, before: Array.from(sums[j]!, (v) => v / counts[j]!), after });
      }
    }
    spent += eps;
    centroids = next;
    ids = nextIds;
    perIteration.push(next);
    noise.push(pairs);
    for (const [n, s] of sampled.entries()) {
      s.closest.push(next.length > 0 ? nearestCentroid(clipped[sampleIdx[n]!]![0]!, next).index : -1);
    }
    reports.push({
      index: l,
      k: next.length,
      epsilon: eps,
      inertia: next.length > 0 ? meanInertia(all, next) : Number.NaN,
      bytesPerParticipant: bytes,
      msPerParticipant: ms.encrypt + ms.add + ms.decrypt,
    });
    progress(l, 'done', 1);
  }

  const reference = lloyd(all, init, { maxIterations: 100, tolerance: 1e-9 });
  const final = perIteration[perIteration.length - 1] ?? [];
  const result: RunResult = {
    protocol: config.protocol,
    transport: 'memory',
    config: { ...config, participants: N },
    participants: N,
    iterations: reports,
    final: {
      centroids: final,
      inertia: reports[reports.length - 1]?.inertia ?? Number.NaN,
      referenceInertia: reference.inertia,
      epsilonSpent: spent,
      iterations: reports.length,
      wallSeconds: (performance.now() - started) / 1000,
    },
  };
  const bob = sampled[0];
  return {
    id: `lab-${Date.now().toString(36)}-${config.seed >>> 0}`,
    savedAt: Date.now(),
    label: `Lab · ${input.datasetLabel} · ${N} participants · ${config.keyBits === 0 ? 'no encryption' : `${config.keyBits} bits`} · ε ${config.epsilon}`,
    source: 'lab',
    T,
    unit: input.unit,
    result,
    centroids: perIteration,
    ...(bob ? { own: { label: `${bob.label} (Bob)`, series: bob.series } } : {}),
    lab: { sampled, noise },
  };
}
