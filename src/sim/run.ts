/**
 * `runSimulation`: a PeerSim-like run of one Chiaroscuro round with N simulated participants over the
 * in-memory network and a virtual clock, deterministic for `config.seed`. Free of Node built-ins (the
 * UI's lab mode calls it in a browser): datasets are read through the injected readers.
 * `--protocol ppkm` is dispatched to src/sim/ppkm/run.ts.
 * @module
 */
import { CENSUS_MAX_MEMBERS } from '../core/census';
import { seededRng } from '../core/rng';
import type { PeerId } from '../core/transport';
import type { Dataset, DataFileReader } from '../data/index';
import { assignParticipants, loadDataset } from '../data/index';
import { dealThresholdKey } from '../crypto/threshold';
import { dealPlainThresholdKey } from '../crypto/schemes';
import type { KeyShare, ThresholdPublicKey } from '../crypto/types';
import type { CryptoBackend } from '../protocol/crypto-backend';
import { paillierBackend, plainBackend, widePlainBackend } from '../protocol/crypto-backend';
import { codecLink } from '../protocol/chiaroscuro/link';
import type { MessageLink } from '../protocol/chiaroscuro/link';
import { encodedSize, MessageType } from '../protocol/chiaroscuro/messages';
import type { ChiaroscuroMessage, DropReason } from '../protocol/chiaroscuro/messages';
import { Participant } from '../protocol/chiaroscuro/participant';
import type { ParticipantEvent, Release } from '../protocol/chiaroscuro/participant';
import type { StopReason } from '../core/termination';
import { defaultThreshold, makeRoundConfig, roundLayout } from '../protocol/chiaroscuro/round';
import type { RoundConfig } from '../protocol/chiaroscuro/round';
import type { IterationReport, RunConfig, RunResult } from './contract';
import { runPpkmSimulation } from './ppkm/run';
import { createClippedEvaluator } from './evaluator';
import { MemoryNetwork } from './network';
import { VirtualClock } from './virtual-clock';

/** Key holders of a round (the seed demo's "nb key shares"), capped by N. */
export const DEFAULT_KEY_HOLDERS = 10;
/** Modulus size of the plain scheme for `--key-bits 0` (packing as with a 2048-bit key). */
export const PLAIN_MODULUS_BITS = 2048;

/** Progress of a run. */
export interface SimProgress {
  /** `setup`, `running`, `done`. */
  phase: 'setup' | 'running' | 'done';
  /** Iterations completed. */
  iteration: number;
  iterations: number;
  /** Virtual time (ms). */
  virtualMs: number;
  message?: string;
}

/** Hooks and test-only knobs of {@link runSimulation}. */
export interface SimulationHooks {
  onProgress?: (p: SimProgress) => void;
  /** Called with each iteration's report as soon as it is known. */
  onIteration?: (r: IterationReport, release: Release | undefined, centroids: number[][]) => void;
  /** Human remarks (participant assignment, holders lost, …). */
  onNote?: (note: string) => void;
  /** Reads files under public/ (lcl, italy). */
  readPublicFile?: DataFileReader;
  /** Reads a CSV path. */
  readFile?: DataFileReader;
  /** A preloaded dataset instead of `config.dataset`. */
  dataset?: Dataset;
  /** Gossip cycles per iteration (default ⌈log2 N⌉ + EXTRA_GOSSIP_CYCLES). */
  cycles?: number;
  /** TEST ONLY: false turns the DP noise off. */
  noise?: boolean;
  /** Key holders (default min(10, N)) and threshold (default majority). */
  holders?: number;
  threshold?: number;
  /** `bytes` encodes every frame; `objects` passes messages (sizes counted). Default: bytes when encrypted or N ≤ 2000. */
  transport?: 'bytes' | 'objects';
  /** Observer of every frame on the bytes path (wire audit). */
  onFrame?: (from: PeerId, to: PeerId, frame: Uint8Array) => void;
  /** Observer of every participant event. */
  onEvent?: (participant: number, e: ParticipantEvent) => void;
  /** Overrides the crypto backend (e.g. a worker pool); must match the dealt key. */
  backend?: CryptoBackend;
  /** Probability that an empty cluster survives ejection (default 0.01, see round.ts). */
  ejectionFalseKeep?: number;
  /**
   * The contributor census (RoundConfig.census); default on up to CENSUS_MAX_MEMBERS participants,
   * off above (its memory grows as N²/8; the run says so).
   */
  census?: boolean;
  /**
   * Default true: in-thread backends run every handler synchronously (no promise per operation).
   * false forces the promise path a worker-pool backend takes (equivalence tests).
   */
  synchronous?: boolean;
}

/** Extra outputs for tests and the lab view, beside the BRIEF §7 result. */
export interface SimulationDetails {
  round: RoundConfig;
  releases: Release[];
  /** Published centroids after each iteration. */
  centroidsPerIteration: number[][][];
  drops: Partial<Record<DropReason, number>>;
  referenceCentroids: number[][];
  messages: number;
  lostMessages: number;
  departed: number;
  stoppedEarly: boolean;
  /**
   * Why the round ended: a {@link StopReason} from the final Centroids message, or `stalled` (no
   * aggregator could decrypt; the run ran out of events). With `all-centroids-ejected` the final
   * centroids are the previous iteration's (the public initial ones if it happened in iteration 1).
   */
  stopReason: StopReason | 'stalled';
  /** Human explanation of {@link stopReason}. */
  stopMessage: string;
}

/**
 * A human explanation of a stop reason (shown by `npm run sim` and notes). `iterations`: the released
 * ones; `shortfall`: the census of the refused iteration (`too-few-contributors`), when known.
 */
export function describeStop(reason: StopReason | 'stalled', iterations: number, release?: Release, shortfall?: { contributors: number; needed: number }): string {
  switch (reason) {
    case 'max-iterations': return `reached the iteration cap (${iterations})`;
    case 'budget-exhausted': return `privacy budget exhausted after ${iterations} iteration(s)`;
    case 'converged': return `centroids stable after ${iterations} iteration(s)`;
    case 'stalled': return `the round stalled after ${iterations} iteration(s) (no aggregator could decrypt)`;
    case 'all-centroids-ejected': {
      const min = release ? ` (every noisy count < ejection threshold ${release.minCount.toFixed(1)})` : '';
      return `all centroids were ejected in iteration ${iterations}${min}: the DP noise exceeds every cluster's size; ` +
        'use a larger ε, more participants (N) or a larger calibration population (--population). ' +
        `Final centroids are those of iteration ${iterations - 1}${iterations === 1 ? ' (the public initial centroids, no result)' : ''}`;
    }
    case 'too-few-contributors': {
      const count = shortfall ? ` (${shortfall.contributors} of the ${shortfall.needed} its noise was sized for)` : '';
      return `too few participants contributed to iteration ${iterations + 1}${count}: its aggregate would be under-noised, ` +
        'so it was not decrypted and the round ended; expect more dropouts (--churn) or keep more participants. ' +
        `Final centroids are those of iteration ${iterations}${iterations === 0 ? ' (the public initial centroids, no result)' : ''}`;
    }
  }
}

/** Runs one simulated round and returns the BRIEF §7 result. */
export async function runSimulation(config: RunConfig, hooks: SimulationHooks = {}): Promise<RunResult> {
  return (await runSimulationDetailed(config, hooks)).result;
}

/**
 * Runs `--protocol ppkm` through src/sim/ppkm/run.ts, adapting the progress hook (PPkM reports a
 * fraction). Its per-iteration reports arrive with the result (`result.iterations`), not through onIteration.
 */
async function runPpkm(config: RunConfig, hooks: SimulationHooks): Promise<RunResult> {
  const { onProgress } = hooks;
  return runPpkmSimulation(config, {
    ...(hooks.readPublicFile ? { readPublicFile: hooks.readPublicFile } : {}),
    ...(hooks.readFile ? { readFile: hooks.readFile } : {}),
    ...(hooks.dataset ? { dataset: hooks.dataset } : {}),
    ...(onProgress
      ? {
          onProgress: (p: number, message: string) => {
            const done = p >= 1;
            void onProgress({
              phase: done ? 'done' : 'running',
              iteration: Math.round(p * config.iterations),
              iterations: config.iterations,
              virtualMs: 0,
              message,
            });
          },
        }
      : {}),
  });
}

/** {@link runSimulation} plus details for tests and the lab view. */
export async function runSimulationDetailed(
  config: RunConfig,
  hooks: SimulationHooks = {},
): Promise<{ result: RunResult; details: SimulationDetails | null }> {
  if (config.protocol === 'ppkm') return { result: await runPpkm(config, hooks), details: null };
  if (config.protocol !== 'chiaroscuro') throw new Error(`unknown protocol '${String(config.protocol)}'`);
  const wall0 = performance.now();
  const N = config.participants;
  const L = config.seriesPerParticipant;
  const progress = (p: Omit<SimProgress, 'iterations'>): void => hooks.onProgress?.({ ...p, iterations: config.iterations });
  progress({ phase: 'setup', iteration: 0, virtualMs: 0, message: 'loading data' });

  const dataset = hooks.dataset ?? await loadDataset(config.dataset, {
    ...(hooks.readPublicFile ? { readPublicFile: hooks.readPublicFile } : {}),
    ...(hooks.readFile ? { readFile: hooks.readFile } : {}),
    seed: config.seed,
    patients: N,
    tumor: { seriesPerPatient: L },
  });
  const assignment = assignParticipants(dataset, N, L, seededRng(config.seed ^ 0x5eed));
  if (assignment.note) hooks.onNote?.(assignment.note);
  const series = assignment.participants.map((p) => p.series);
  // The round's data domain is [lo, hi]: the evaluator scores (and the reference clusters) the
  // series as the protocol defines them, clipped to the public range (see docs/PROTOCOL.md).
  // (No named array of clipped copies: the evaluator keeps one flat copy, nothing else holds them.)
  const evaluator = createClippedEvaluator(series.flat(), dataset.lo, dataset.hi);

  // Round setup: ids, key holders (random participants), dealer = participant 0.
  const ids: PeerId[] = Array.from({ length: N }, (_, i) => `p${i}`);
  const rng = seededRng(config.seed);
  const holders = Math.min(hooks.holders ?? DEFAULT_KEY_HOLDERS, N);
  const threshold = hooks.threshold ?? defaultThreshold(holders);
  const holderIdx = pickDistinct(rng, N, holders);
  progress({ phase: 'setup', iteration: 0, virtualMs: 0, message: config.keyBits > 0 ? `dealing a ${config.keyBits}-bit threshold key` : 'plain key' });
  const useBytes = hooks.transport ? hooks.transport === 'bytes' : config.keyBits > 0 || N <= 2000;
  const census = hooks.census ?? N <= CENSUS_MAX_MEMBERS;
  if (!census) {
    hooks.onNote?.(`no contributor census above ${CENSUS_MAX_MEMBERS} participants (its memory grows as N²/8): ` +
      'iterations do not wait for their contributors and an under-noised aggregate would be decrypted');
  }
  const roundParams = {
    round: `sim-${config.seed}`,
    k: config.k, T: dataset.T, L, lo: dataset.lo, hi: dataset.hi,
    iterations: config.iterations, epsilon: config.epsilon, strategy: config.strategy, smoothing: config.smoothing,
    keyBits: config.keyBits, holderIds: holderIdx.map((i) => ids[i]!), threshold,
    participants: N, population: config.population, dropout: config.churn, census,
    ...(config.privateInertia ? { inertiaFraction: config.privateInertia } : {}),
    ...(hooks.cycles !== undefined ? { cycles: hooks.cycles } : {}),
    ...(hooks.noise !== undefined ? { noise: hooks.noise } : {}),
    ...(hooks.ejectionFalseKeep !== undefined ? { ejectionFalseKeep: hooks.ejectionFalseKeep } : {}),
    initSeed: config.seed,
  };
  let dealt: { publicKey: ThresholdPublicKey; shares: KeyShare[] };
  let wideBits = 0;
  if (config.keyBits > 0) {
    dealt = dealThresholdKey({ bits: config.keyBits as 512 | 1024 | 2048, holders, threshold, rng: seededRng(config.seed ^ 0xdea1) });
  } else if (useBytes) {
    dealt = dealPlainThresholdKey({ bits: PLAIN_MODULUS_BITS, holders, threshold });
  } else {
    // Fast path: a Mersenne modulus with cheap reduction (see widePlainBackend).
    const probe = (1n << 65536n) - 1n;
    const probeLayout = roundLayout(makeRoundConfig({ ...roundParams, publicKey: { n: probe, bits: 0, holders, threshold } }));
    // ≈ 4096-bit plaintexts: packing cost grows quadratically with the width, merges linearly with the count.
    wideBits = probeLayout.slotBits * Math.max(1, Math.floor(4094 / probeLayout.slotBits)) + 2;
    const n = (1n << BigInt(wideBits)) - 1n;
    const publicKey: ThresholdPublicKey = { n, bits: 0, holders, threshold };
    dealt = { publicKey, shares: Array.from({ length: holders }, (_, i) => ({ publicKey, index: i + 1, secret: 0n })) };
  }
  const round = makeRoundConfig({ ...roundParams, publicKey: dealt.publicKey });
  const layout = roundLayout(round);
  const inner = hooks.backend ?? (config.keyBits > 0
    ? paillierBackend(dealt.publicKey, { variant: 'djn', rng: seededRng(config.seed ^ 0xc0de) })
    : wideBits > 0 ? widePlainBackend(wideBits) : plainBackend(dealt.publicKey));
  // A spread copy drops the non-enumerable synchronous operations (see CryptoBackend.sync).
  const backend: CryptoBackend = hooks.synchronous === false ? { ...inner } : inner;

  const clock = new VirtualClock();
  const net = new MemoryNetwork({
    clock, rng: seededRng(config.seed ^ 0x7e7), loss: config.loss,
    ...(hooks.onFrame ? { onFrame: hooks.onFrame } : {}),
  });
  net.buildOverlay(ids, config.neighbors);
  const width = backend.ciphertextBytes;

  // Bookkeeping of public outputs, per iteration.
  const reports: IterationReport[] = [];
  const releases: Release[] = [];
  const centroidsPerIteration: number[][][] = [];
  let finalCentroids: number[][] = round.initialCentroids.map((c) => c.slice());
  let finalSeen = false;
  let finalReason = null as StopReason | null;
  let shortfall: { contributors: number; needed: number } | undefined;
  // The first error inside any participant (a bug, not a network fault): fails the run loudly instead
  // of letting the round stall silently with zero iterations.
  let failure = null as { participant: number; error: unknown } | null;
  let epsilonSpent = 0;
  let lastBytes = 0;
  let lastWall = performance.now();
  const onCentroids = (iteration: number, cs: Float64Array[], eps: number, final: boolean, reason: StopReason | undefined): void => {
    if (iteration === 0 || iteration <= reports.length) return;
    if (final) finalReason = reason ?? null;
    if (reason === 'too-few-contributors') {
      // Nothing of this iteration was released: the round ends on the previous iteration's result.
      epsilonSpent = eps;
      finalSeen = true;
      return;
    }
    const centroids = cs.map((c) => Array.from(c));
    const now = performance.now();
    const release = releases.find((r) => r.iteration === iteration);
    // This release estimated the inertia of the previous iteration's centroids.
    const previous = reports[iteration - 2];
    if (previous && release?.priorInertia !== undefined) previous.privateInertia = release.priorInertia;
    const report: IterationReport = {
      index: iteration,
      k: centroids.length,
      epsilon: round.budgets[iteration - 1] ?? 0,
      inertia: evaluator.inertia(centroids),
      bytesPerParticipant: (net.totalBytes - lastBytes) / N,
      msPerParticipant: (now - lastWall) / N,
    };
    lastBytes = net.totalBytes;
    lastWall = now;
    reports.push(report);
    centroidsPerIteration.push(centroids);
    finalCentroids = centroids;
    epsilonSpent = eps;
    if (final) finalSeen = true;
    hooks.onIteration?.(report, release, centroids);
    progress({ phase: 'running', iteration, virtualMs: clock.now() });
  };

  const participants: Participant[] = [];
  const links: MessageLink[] = [];
  // Shared by all participants (no per-participant closures for these at 10^5–10^6).
  const sizeOf = (msg: ChiaroscuroMessage): number => encodedSize(msg, width);
  const track = (w: Promise<void>): void => clock.track(w);
  for (let i = 0; i < N; i++) {
    const id = ids[i]!;
    let link: MessageLink;
    const ref: { p?: Participant } = {};
    if (useBytes) {
      const transport = net.transport(id);
      link = codecLink(transport, width);
      transport.onFrame((from, frame) => ref.p!.handle(from, frame));
    } else {
      link = net.objectLink<ChiaroscuroMessage>(id, (from, msg) => ref.p!.receive(from, msg), sizeOf);
    }
    const p = new Participant({
      config: round, link, clock, backend, layout,
      rng: seededRng((config.seed * 0x9e3779b1 + i + 1) >>> 0),
      data: series[i]!,
      memberIndex: i,
      onWork: track,
      onEvent: (e) => {
        if (e.type === 'released') releases.push(e.release);
        else if (e.type === 'too-few-contributors') shortfall ??= { contributors: e.contributors, needed: e.needed };
        else if (e.type === 'centroids') onCentroids(e.msg.iteration, e.msg.centroids, e.msg.epsilonSpent, e.msg.final, e.msg.stopReason);
        else if (e.type === 'error' && !failure) failure = { participant: i, error: e.error };
        hooks.onEvent?.(i, e);
      },
    });
    ref.p = p;
    participants.push(p);
    links.push(link);
  }

  // The dealer (participant 0) hands each holder its share over a reliable (acknowledged) channel,
  // then forgets the dealt key: only the public key stays in the round configuration.
  const dealer = participants[0]!;
  const dealerLink = links[0]!;
  net.reliable = true;
  dealt.shares.forEach((share: KeyShare) => {
    const to = round.holderIds[share.index - 1]!;
    const msg: ChiaroscuroMessage = {
      type: MessageType.KeyShare, round: round.round, iteration: 0, index: share.index,
      holders: share.publicKey.holders, threshold: share.publicKey.threshold, bits: config.keyBits, n: share.publicKey.n, secret: share.secret,
    };
    if (to === ids[0]) dealer.receive(ids[0]!, msg);
    else dealerLink.send(to, msg);
  });
  dealt = { publicKey: dealt.publicKey, shares: [] };
  await clock.run({ stop: () => failure !== null });
  net.reliable = false;
  throwIfFailed(failure);

  // Churn: ⌊churn·N⌋ participants (never the dealer, who also starts the round) leave at random times.
  // Leave times spread over the expected run length (gossip cycles + decryption per iteration).
  const iterationMs = (round.cycles + 4) * round.cycleMs;
  let departed = 0;
  if (config.churn > 0) {
    const leavers = pickDistinct(rng, N - 1, Math.floor(config.churn * N)).map((i) => i + 1);
    for (const i of leavers) {
      clock.setTimer(rng.nextFloat() * iterationMs * config.iterations, () => {
        participants[i]!.stop();
        net.leave(ids[i]!);
        departed++;
      });
    }
  }

  const t0 = clock.now();
  dealer.start();
  progress({ phase: 'running', iteration: 0, virtualMs: 0 });
  await clock.run({
    stop: () => finalSeen || failure !== null,
    progressEvery: 20_000,
    onProgress: (now) => progress({ phase: 'running', iteration: reports.length, virtualMs: now - t0 }),
  });

  const drops: Partial<Record<DropReason, number>> = {};
  for (const p of participants) {
    for (const [r, c] of Object.entries(p.drops)) drops[r as DropReason] = (drops[r as DropReason] ?? 0) + c;
  }
  throwIfFailed(failure);
  const stoppedEarly = !finalSeen && reports.length < config.iterations;
  const stopReason: StopReason | 'stalled' = stoppedEarly ? 'stalled' : finalReason ?? 'max-iterations';
  const stopMessage = describeStop(stopReason, reports.length, releases.find((r) => r.iteration === reports.length), shortfall);
  if (stopReason === 'stalled' || stopReason === 'all-centroids-ejected' || stopReason === 'too-few-contributors') hooks.onNote?.(stopMessage);
  const ref = evaluator.reference(round.initialCentroids);
  const result: RunResult = {
    protocol: 'chiaroscuro',
    transport: 'memory',
    config: { ...config },
    participants: N,
    iterations: reports,
    final: {
      centroids: finalCentroids,
      inertia: evaluator.inertia(finalCentroids),
      referenceInertia: ref.inertia,
      epsilonSpent,
      iterations: reports.length,
      wallSeconds: (performance.now() - wall0) / 1000,
    },
  };
  progress({ phase: 'done', iteration: reports.length, virtualMs: clock.now() - t0 });
  return {
    result,
    details: {
      round, releases, centroidsPerIteration, drops, referenceCentroids: ref.centroids,
      messages: net.messages, lostMessages: net.lost, departed, stoppedEarly, stopReason, stopMessage,
    },
  };
}

/** Rethrows a participant's internal error with its index (the run cannot be trusted after one). */
function throwIfFailed(failure: { participant: number; error: unknown } | null): void {
  if (!failure) return;
  const e = failure.error;
  throw new Error(`simulation: participant p${failure.participant} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/** `count` distinct indices in [0, n) (partial Fisher–Yates). */
function pickDistinct(rng: ReturnType<typeof seededRng>, n: number, count: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  const m = Math.min(count, n);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng.nextFloat() * (n - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, m);
}
