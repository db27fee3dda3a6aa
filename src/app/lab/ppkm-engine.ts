/**
 * Lab mode for PPkM (Zhu & Li 2020): one tab runs M PPkM nodes on the simulator's neighbour graph over
 * the in-memory network (src/sim/ppkm/harness.ts, the harness `runPpkmSimulation` drives), with real
 * Paillier (in-thread, or the worker pool through `hooks.crypto`) or the same arithmetic without
 * encryption (key-bits 0). The setup (participant assignment, graph, public initial centroids, node
 * speeds, parameters) and the reporting rules are exactly src/sim/ppkm/run.ts's, so the RunResult is
 * the simulator's; test/browser/ui/lab-ppkm.test.ts checks it against `runPpkmSimulation`. The lab
 * runs the harness itself only because the simulator does not expose each node's centroids per
 * iteration, which the views need (profiles' evolution, each sampled participant's own node).
 * PPkM has no differential privacy: there is no "before/after noise" view, and ε is 0.
 * @module
 */
import { inertia, lloyd, nearestCentroid } from '../../core/kmeans';
import { initialCentroids } from '../../core/initial-centroids';
import { seededRng } from '../../core/rng';
import { assignParticipants } from '../../data/assign';
import type { Dataset } from '../../data/types';
import { paillierPpkmCrypto, plainPpkmCrypto, type PpkmCrypto } from '../../protocol/ppkm/crypto';
import type { PpkmParams } from '../../protocol/ppkm/params';
import type { IterationReport, RunConfig, RunResult } from '../../sim/contract';
import { randomConnectedGraph } from '../../sim/ppkm/graph';
import { runPpkmNetwork } from '../../sim/ppkm/harness';
import { LAB_SAMPLED } from './observer';
import { abortError, yieldToPage } from './control';
import type { LabProgress } from './engine';
import type { RunRecord, SampledParticipant } from '../run-record';

/** Above this many nodes the PPkM lab runs without encryption (key-bits 0): each node does several key generations. */
export const PPKM_LAB_MAX_ENCRYPTED = 60;

/** Fixed-point fraction bits (as src/sim/ppkm/run.ts). */
const FRACTION_BITS = 16;

/** Hooks of {@link runPpkmLab}. */
export interface PpkmLabHooks {
  onProgress?: (p: LabProgress) => void;
  /** Paillier for `bits` (e.g. the worker pool's {@link import('../../net/ppkm-tab').poolPpkmCrypto}); default in this thread. */
  crypto?: (bits: number) => PpkmCrypto;
  signal?: AbortSignal;
}

/** Per node, per iteration: centroids and cumulative bytes sent (what the simulator's reporting needs). */
interface NodeTrace { centroids: number[][][]; bytes: number[] }

/**
 * Builds the BRIEF §7 iteration reports exactly as runPpkmSimulation does: an iteration's inertia is
 * the mean over nodes of the inertia of that node's centroids (a stopped node counts with its final
 * ones), on every participant's data.
 */
function reports(perNode: readonly NodeTrace[], all: readonly Float64Array[], k: number, wallSeconds: number): IterationReport[] {
  const N = perNode.length;
  const maxIter = Math.max(...perNode.map((r) => r.centroids.length));
  const out: IterationReport[] = [];
  for (let l = 1; l <= maxIter; l++) {
    let inertiaSum = 0, bytes = 0;
    for (const rec of perNode) {
      inertiaSum += inertia(all, rec.centroids[Math.min(l, rec.centroids.length) - 1]!);
      const cur = rec.bytes[Math.min(l, rec.bytes.length) - 1]!;
      const prev = l >= 2 && l - 2 < rec.bytes.length ? rec.bytes[l - 2]! : 0;
      bytes += l <= rec.bytes.length ? cur - prev : 0;
    }
    out.push({ index: l, k, epsilon: 0, inertia: inertiaSum / N, bytesPerParticipant: bytes / N, msPerParticipant: (wallSeconds * 1000) / (N * maxIter) });
  }
  return out;
}

/**
 * Runs PPkM over `dataset` in this tab and returns a complete {@link RunRecord}: the public views use
 * node 0's centroids (every node ends with its own; on a complete graph they all agree), the sampled
 * participants are shown with the closest centroid of THEIR OWN node.
 * @throws RangeError on a bad config; an AbortError DOMException when `hooks.signal` aborts
 */
export async function runPpkmLab(config: RunConfig, dataset: Dataset, datasetLabel: string, hooks: PpkmLabHooks = {}): Promise<RunRecord> {
  if (config.protocol !== 'ppkm') throw new RangeError(`runPpkmLab: protocol must be 'ppkm', got '${String(config.protocol)}'`);
  const N = config.participants;
  if (!Number.isSafeInteger(N) || N < 2) throw new RangeError(`runPpkmLab: participants must be an integer ≥ 2, got ${N}`);
  if (dataset.owners.length === 0) throw new RangeError('runPpkmLab: the dataset has no owners');
  const { signal } = hooks;
  const started = performance.now();
  const encrypted = config.keyBits !== 0 && N <= PPKM_LAB_MAX_ENCRYPTED;
  const keyBits = encrypted ? config.keyBits : 0;
  const report = (p: Omit<LabProgress, 'iterations' | 'fraction' | 'epsilonSpent'>): void => {
    hooks.onProgress?.({ ...p, iterations: config.iterations, fraction: Math.min(1, p.iteration / config.iterations), epsilonSpent: 0 });
  };
  report({ iteration: 0, phase: 'setup', message: 'assigning data and building the neighbour graph' });
  await yieldToPage();

  // Same seeded generators as src/sim/ppkm/run.ts.
  const assignment = assignParticipants(dataset, N, config.seriesPerParticipant, seededRng(config.seed));
  const data = assignment.participants.map((p) => p.series);
  const all = data.flat();
  const graph = randomConnectedGraph(N, config.neighbors, seededRng(config.seed + 1));
  const T = dataset.T;
  const init = initialCentroids({ k: config.k, T, lo: dataset.lo, hi: dataset.hi, rng: seededRng(config.seed) });
  const params: PpkmParams = {
    variant: 'packed', k: config.k, d: T,
    lo: Array<number>(T).fill(dataset.lo), hi: Array<number>(T).fill(dataset.hi),
    fractionBits: FRACTION_BITS,
    maxRecords: Math.max(1, ...data.map((s) => s.length)),
    maxNeighbours: Math.max(...graph.map((a) => a.length)),
    kappa: 40, lambdaBits: 64, keyBits,
    epsStop: 1e-4 * (dataset.hi - dataset.lo),
    maxIterations: config.iterations,
    initialCentroids: init,
  };
  const crypto = keyBits === 0 ? plainPpkmCrypto() : hooks.crypto?.(keyBits) ?? paillierPpkmCrypto(keyBits);
  const guarded = guardCrypto(crypto, signal);
  const speeds = Array.from({ length: N }, (_, i) => 10 + 20 * seededRng(config.seed * 31 + i).nextFloat());
  const perNode: NodeTrace[] = Array.from({ length: N }, () => ({ centroids: [], bytes: [] }));
  const bytesSoFar = new Float64Array(N);
  let reported = 0;
  report({ iteration: 0, phase: 'running', message: `${N} nodes · ${guarded.name}` });
  await runPpkmNetwork({
    params, crypto: guarded, graph, data, seed: config.seed,
    loss: config.loss, retryMs: config.loss > 0 ? 500 : 0,
    computeDelayMs: (i) => speeds[i]!,
    onSend: (from, _to, frame) => { const i = Number(from.slice(1)); bytesSoFar[i] = bytesSoFar[i]! + frame.length; },
    onIteration: (i, l, c) => {
      const rec = perNode[i]!;
      rec.centroids[l - 1] = c;
      rec.bytes[l - 1] = bytesSoFar[i]!;
      const slowest = Math.min(...perNode.map((r) => r.centroids.length));
      if (slowest > reported) { reported = slowest; report({ iteration: slowest, phase: 'running' }); }
    },
  }).catch((err: unknown) => { throw signal?.aborted ? abortError() : err; });
  if (signal?.aborted) throw abortError();

  const wallSeconds = (performance.now() - started) / 1000;
  const iterations = reports(perNode, all, config.k, wallSeconds);
  const maxIter = iterations.length;
  const node0 = perNode[0]!;
  // The public views follow node 0 (a node that stopped early keeps its final centroids).
  const centroids = iterations.map((_, l) => node0.centroids[Math.min(l + 1, node0.centroids.length) - 1]!);
  const reference = lloyd(all, init, { maxIterations: 1000, tolerance: 0 });
  const result: RunResult = {
    protocol: 'ppkm', transport: 'memory', config: { ...config, keyBits: config.keyBits }, participants: N, iterations,
    final: {
      centroids: centroids[centroids.length - 1]!,
      inertia: perNode.reduce((a, r) => a + inertia(all, r.centroids[r.centroids.length - 1]!), 0) / N,
      referenceInertia: reference.inertia, epsilonSpent: 0, iterations: maxIter, wallSeconds,
    },
  };
  const sampled = sampleParticipants(data, perNode, maxIter, seededRng(config.seed));
  report({ iteration: maxIter, phase: 'done' });
  const bob = sampled[0];
  const how = encrypted ? guarded.name : config.keyBits === 0 ? 'no encryption' : `no encryption (above ${PPKM_LAB_MAX_ENCRYPTED} nodes)`;
  return {
    id: `lab-ppkm-${Date.now().toString(36)}-${config.seed >>> 0}`,
    savedAt: Date.now(),
    label: `Lab · PPkM · ${datasetLabel} · ${N} nodes · ${how} · no differential privacy`,
    source: 'lab', T, unit: dataset.unit, result, centroids,
    ...(bob ? { own: { label: `${bob.label} (Bob)`, series: bob.series } } : {}),
    lab: { sampled, noise: [] },
  };
}

/**
 * Up to {@link LAB_SAMPLED} participants (seeded) with, per iteration, the closest centroid of their
 * own node (`profiles`) and its index (`closest`, meaningful for the node's own centroid set).
 */
function sampleParticipants(data: readonly Float64Array[][], perNode: readonly NodeTrace[], iterations: number, rng: ReturnType<typeof seededRng>): SampledParticipant[] {
  const candidates = data.flatMap((d, i) => (d.length > 0 ? [i] : []));
  const picked: number[] = [];
  while (picked.length < Math.min(LAB_SAMPLED, candidates.length)) {
    const i = candidates[rng.nextUint32() % candidates.length]!;
    if (!picked.includes(i)) picked.push(i);
  }
  return picked.map((i) => {
    const series = Array.from(data[i]![0]!);
    const trace = perNode[i]!;
    const closest: number[] = [], profiles: number[][] = [];
    for (let l = 1; l <= iterations; l++) {
      const cs = trace.centroids[Math.min(l, trace.centroids.length) - 1]!;
      const j = nearestCentroid(series, cs).index;
      closest.push(j);
      profiles.push(cs[j]!.slice());
    }
    return { label: `participant #${i + 1}`, series, closest, profiles };
  });
}

/** Makes every async crypto operation check `signal` first, and yields to the page now and then. */
function guardCrypto(inner: PpkmCrypto, signal: AbortSignal | undefined): PpkmCrypto {
  let last = performance.now();
  const gate = async <T>(op: () => Promise<T>): Promise<T> => {
    if (signal?.aborted) throw abortError();
    if (performance.now() - last > 40) { await yieldToPage(); last = performance.now(); }
    if (signal?.aborted) throw abortError();
    return op();
  };
  return {
    name: inner.name,
    keyBits: inner.keyBits,
    publicKey: (n) => inner.publicKey(n),
    ciphertextBytes: (pk) => inner.ciphertextBytes(pk),
    isValidCiphertext: (pk, c) => inner.isValidCiphertext(pk, c),
    add: (pk, a, b) => inner.add(pk, a, b),
    generateKeyPair: () => gate(() => inner.generateKeyPair()),
    encrypt: (pk, ms) => gate(() => inner.encrypt(pk, ms)),
    decrypt: (sk, cs) => gate(() => inner.decrypt(sk, cs)),
    mulConst: (pk, cs, k) => gate(() => inner.mulConst(pk, cs, k)),
  };
}
