/**
 * Lab mode: one tab runs a whole Chiaroscuro round of M virtual participants through the real
 * simulator (src/sim/run.ts: the participants' state machines, encrypted push-sum gossip over the
 * in-memory network, threshold decryption, DP noise shares, ejection, smoothing, the budget
 * accountant), with real threshold Paillier in the worker pool for M ≤ {@link LAB_MAX_ENCRYPTED} and
 * the same arithmetic without encryption (key-bits 0) above. An omniscient observer
 * (./observer.ts) adds the seed demo's views that a real swarm never reveals.
 * @module
 */
import { seededRng } from '../../core/rng';
import type { Dataset } from '../../data/index';
import type { ThresholdPublicKey } from '../../crypto/types';
import type { CryptoBackend } from '../../protocol/crypto-backend';
import { paillierBackend } from '../../protocol/crypto-backend';
import type { Release } from '../../protocol/chiaroscuro/participant';
import { runSimulationDetailed } from '../../sim/run';
import type { SimProgress } from '../../sim/run';
import type { IterationReport, RunConfig } from '../../sim/contract';
import type { RunRecord } from '../run-record';
import { abortError, controlledBackend, yieldToPage } from './control';
import { checkSameData, clippedData, labAssignment, labHolders, labRoundPublicKey } from './mirror';
import { createLabObserver } from './observer';

/** Above this many participants the lab runs without encryption (key-bits 0): same views, fast. */
export const LAB_MAX_ENCRYPTED = 1000;

/** A lab run over a dataset (the simulator assigns its owners' series to the participants). */
export interface LabDatasetInput {
  config: RunConfig;
  dataset: Dataset;
  /** e.g. `electricity`. */
  datasetLabel: string;
}

/** A lab run over explicit participants: each entry becomes one owner of an ad-hoc dataset. */
export interface LabParticipantsInput {
  config: RunConfig;
  participants: ReadonlyArray<{ owner: string; series: readonly Float64Array[] }>;
  T: number;
  lo: number;
  hi: number;
  unit: string;
  datasetLabel: string;
}

/** The data of one lab run. */
export type LabInput = LabDatasetInput | LabParticipantsInput;

/** Progress of a lab run. */
export interface LabProgress {
  /** Iterations published so far. */
  iteration: number;
  iterations: number;
  phase: 'setup' | 'running' | 'done';
  /** 0..1 over the whole run. */
  fraction: number;
  epsilonSpent: number;
  /** Setup step, e.g. `dealing a 1024-bit threshold key`. */
  message?: string;
}

/** Real encryption for the lab: a backend bound to the round's threshold key (the app's worker pool). */
export interface LabCrypto {
  /** Human description, e.g. `1024-bit threshold Paillier in 2 workers`. */
  readonly name: string;
  /** A backend for the round key `publicKey`. */
  backend(publicKey: ThresholdPublicKey): CryptoBackend;
}

/** Optional hooks of {@link runLab}. */
export interface LabHooks {
  onProgress?: (p: LabProgress) => void;
  /** Remarks of the simulator (participant assignment, stalls). */
  onNote?: (note: string) => void;
  /** Worker-pool encryption; without it an encrypted run computes in this thread (slower, page less responsive). */
  crypto?: LabCrypto;
  signal?: AbortSignal;
}

/** Yield to the page at most this often from the simulator's progress callbacks (ms). */
const PROGRESS_YIELD_MS = 40;

function toDataset(input: LabInput): Dataset {
  if ('dataset' in input) return input.dataset;
  const seen = new Map<string, number>();
  return {
    name: input.datasetLabel, T: input.T, lo: input.lo, hi: input.hi, unit: input.unit,
    owners: input.participants.map((p) => {
      const n = seen.get(p.owner) ?? 0;
      seen.set(p.owner, n + 1);
      return { id: n === 0 ? p.owner : `${p.owner}#${n}`, series: p.series.slice() };
    }),
  };
}

function validate(config: RunConfig, dataset: Dataset): void {
  if (config.protocol !== 'chiaroscuro') throw new RangeError(`runLab: lab mode runs Chiaroscuro, got protocol '${String(config.protocol)}'`);
  if (!Number.isSafeInteger(config.participants) || config.participants < 2) {
    throw new RangeError(`runLab: participants must be an integer ≥ 2, got ${config.participants}`);
  }
  if (!(config.epsilon > 0)) throw new RangeError(`runLab: epsilon must be > 0, got ${config.epsilon}`);
  if (!(config.population >= config.participants)) {
    throw new RangeError(`runLab: population (${config.population}) must be ≥ participants (${config.participants})`);
  }
  if (dataset.owners.length === 0) throw new RangeError('runLab: the dataset has no owners');
}

/**
 * Runs a lab round and returns a complete {@link RunRecord} (public outputs + omniscient extras).
 * @throws RangeError on bad config/data; an AbortError DOMException when `hooks.signal` aborts
 */
export async function runLab(input: LabInput, hooks: LabHooks = {}): Promise<RunRecord> {
  const started = performance.now();
  const dataset = toDataset(input);
  const requested = input.config;
  validate(requested, dataset);
  const { signal } = hooks;
  const N = requested.participants;
  const encrypted = requested.keyBits !== 0 && N <= LAB_MAX_ENCRYPTED;
  const config: RunConfig = { ...requested, keyBits: encrypted ? requested.keyBits : 0 };
  const { holders, threshold } = labHolders(N);

  let spent = 0;
  let lastYield = performance.now();
  const report = (p: Omit<LabProgress, 'iterations' | 'fraction' | 'epsilonSpent'>): void => {
    hooks.onProgress?.({ ...p, iterations: config.iterations, fraction: Math.min(1, p.iteration / config.iterations), epsilonSpent: spent });
  };
  // The simulator awaits what its clock-progress callback returns (every 20 000 events): yielding
  // there keeps the page painting on the in-thread (key-bits 0) path, and throwing stops the run.
  const onSimProgress = (p: SimProgress): Promise<void> | undefined => {
    if (signal?.aborted) throw abortError();
    report({ iteration: p.iteration, phase: p.phase, ...(p.message ? { message: p.message } : {}) });
    if (performance.now() - lastYield < PROGRESS_YIELD_MS) return undefined;
    lastYield = performance.now();
    return yieldToPage();
  };

  report({ iteration: 0, phase: 'setup', message: 'assigning data to participants' });
  await yieldToPage();
  const { participants } = labAssignment(dataset, config);
  const data = clippedData(participants, config.seriesPerParticipant, dataset.lo, dataset.hi);

  let backend: CryptoBackend | undefined;
  if (encrypted) {
    report({ iteration: 0, phase: 'setup', message: `dealing a ${config.keyBits}-bit threshold key` });
    await yieldToPage();
    const publicKey = labRoundPublicKey(config);
    const inner = hooks.crypto
      ? hooks.crypto.backend(publicKey)
      : paillierBackend(publicKey, { variant: 'djn', rng: seededRng(config.seed ^ 0xc0de) });
    backend = controlledBackend(inner, { ...(signal ? { signal } : {}), yieldEveryMs: hooks.crypto ? Infinity : PROGRESS_YIELD_MS });
  }
  if (signal?.aborted) throw abortError();

  const observed: { report: IterationReport; release: Release | undefined; centroids: number[][] }[] = [];
  const simulate = runSimulationDetailed(config, {
    dataset,
    holders,
    threshold,
    ...(backend ? { backend } : {}),
    onProgress: onSimProgress,
    onIteration: (r, release, centroids) => {
      spent += r.epsilon;
      observed.push({ report: r, release, centroids });
    },
    ...(hooks.onNote ? { onNote: hooks.onNote } : {}),
  });
  // An abort surfaces from the simulator as a participant's failure: report it as the stop it is.
  const { result, details } = await simulate.catch((err: unknown) => {
    throw signal?.aborted ? abortError() : err;
  });
  if (signal?.aborted) throw abortError();
  if (!details) throw new Error('runLab: the simulator returned no details');
  if (observed.length === 0) throw new Error('runLab: the round published no centroids (it stalled before the first iteration)');

  const all = data.flat();
  checkSameData(all, observed[0]!.centroids, observed[0]!.report.inertia);
  const observer = createLabObserver({ data, initialCentroids: details.round.initialCentroids, rng: seededRng(config.seed) });
  for (const o of observed) observer.observe(o.report.index, o.centroids, o.release);
  report({ iteration: observed.length, phase: 'done' });

  const lab = observer.extras();
  const bob = lab.sampled[0];
  const how = encrypted
    ? hooks.crypto?.name ?? `${config.keyBits}-bit threshold Paillier in this thread`
    : requested.keyBits === 0 ? 'no encryption' : `no encryption (above ${LAB_MAX_ENCRYPTED} participants)`;
  return {
    id: `lab-${Date.now().toString(36)}-${config.seed >>> 0}`,
    savedAt: Date.now(),
    label: `Lab · ${input.datasetLabel} · ${N} participants · ${how} · ε ${config.epsilon}`,
    source: 'lab',
    T: dataset.T,
    unit: dataset.unit,
    result: { ...result, final: { ...result.final, wallSeconds: (performance.now() - started) / 1000 } },
    centroids: details.centroidsPerIteration,
    ...(bob ? { own: { label: `${bob.label} (Bob)`, series: bob.series } } : {}),
    lab,
  };
}
