/**
 * `npm run sim -- --protocol ppkm`: PPkM over the in-memory discrete-event network (BRIEF §7).
 *
 * Reporting (PPkM has no global model: every node ends with its own centroids):
 * - an iteration's `inertia` is the MEAN over nodes of the inertia of that node's centroids after the
 *   iteration, evaluated on ALL participants' true data (a node that already stopped counts with its
 *   final centroids);
 * - `final.centroids` are node 0's; `final.inertia` is the mean over nodes, as above;
 * - `epsilon` and `epsilonSpent` are 0 (no differential privacy in PPkM).
 * Nodes run at different speeds (a seeded local compute time of 10–30 ms per iteration), so faster
 * nodes exercise their neighbours' wait tables as in a real swarm.
 * @module
 */
import { inertia, lloyd } from '../../core/kmeans';
import { initialCentroids } from '../../core/initial-centroids';
import { seededRng } from '../../core/rng';
import { assignParticipants } from '../../data/assign';
import { loadDataset } from '../../data/load';
import type { FileReader } from '../../data/load';
import type { Dataset } from '../../data/types';
import { paillierPpkmCrypto, plainPpkmCrypto } from '../../protocol/ppkm/crypto';
import type { PpkmParams, PpkmVariant } from '../../protocol/ppkm/params';
import type { IterationReport, RunConfig, RunResult } from '../contract';
import { randomConnectedGraph } from './graph';
import { runPpkmNetwork } from './harness';

/** Hooks of {@link runPpkmSimulation}. */
export interface PpkmSimulationHooks {
  /** Progress in [0, 1] with a short message. */
  onProgress?(p: number, msg: string): void;
  /** Reads shipped files (`lcl`, `italy`); scripts pass a Node reader of `public/`. */
  readPublicFile?: FileReader;
  /** Reads a CSV dataset given by path. */
  readFile?: FileReader;
  /** A dataset already loaded (takes precedence over `config.dataset`). */
  dataset?: Dataset;
  /** Aggregation variant; default `packed`. */
  variant?: PpkmVariant;
}

/** Fixed-point fraction bits of simulated runs. */
const FRACTION_BITS = 16;

/** Runs PPkM on `config` and reports per BRIEF §7. */
export async function runPpkmSimulation(config: RunConfig, hooks: PpkmSimulationHooks = {}): Promise<RunResult> {
  if (config.protocol !== 'ppkm') throw new RangeError(`runPpkmSimulation: protocol must be 'ppkm', got '${config.protocol}'`);
  if (config.churn !== 0) throw new RangeError('runPpkmSimulation: --churn is not supported by PPkM (a node waits for every neighbour)');
  const N = config.participants;
  if (!Number.isInteger(N) || N < 2) throw new RangeError(`runPpkmSimulation: need ≥ 2 participants, got ${N}`);
  const started = performance.now();
  const progress = hooks.onProgress ?? (() => {});
  progress(0, 'loading data');
  const dataset = hooks.dataset ?? await loadDataset(config.dataset, {
    readPublicFile: hooks.readPublicFile, readFile: hooks.readFile, seed: config.seed,
    patients: config.dataset === 'tumor' ? Math.max(100, N) : undefined,
  });
  const assignment = assignParticipants(dataset, N, config.seriesPerParticipant, seededRng(config.seed));
  const data = assignment.participants.map((p) => p.series);
  const all = data.flat();
  const graph = randomConnectedGraph(N, config.neighbors, seededRng(config.seed + 1));
  const maxDegree = Math.max(...graph.map((a) => a.length));
  const T = dataset.T;
  const init = initialCentroids({ k: config.k, T, lo: dataset.lo, hi: dataset.hi, rng: seededRng(config.seed) });
  const params: PpkmParams = {
    variant: hooks.variant ?? 'packed',
    k: config.k, d: T,
    lo: Array<number>(T).fill(dataset.lo), hi: Array<number>(T).fill(dataset.hi),
    fractionBits: FRACTION_BITS,
    maxRecords: Math.max(1, ...data.map((s) => s.length)),
    maxNeighbours: maxDegree,
    kappa: 40, lambdaBits: 64,
    keyBits: config.keyBits,
    epsStop: 1e-4 * (dataset.hi - dataset.lo),
    maxIterations: config.iterations,
    initialCentroids: init,
  };
  const crypto = config.keyBits === 0 ? plainPpkmCrypto() : paillierPpkmCrypto(config.keyBits);
  const speeds = Array.from({ length: N }, (_, i) => 10 + 20 * seededRng(config.seed * 31 + i).nextFloat());
  // Per node, per iteration: centroids and cumulative bytes sent.
  const perNode: { centroids: number[][][]; bytes: number[] }[] = Array.from({ length: N }, () => ({ centroids: [], bytes: [] }));
  let bytesSoFar = new Float64Array(N);
  let reported = 0;
  progress(0.02, `${N} nodes, |Γ| ≤ ${maxDegree}, ${crypto.name}${assignment.note ? ` (${assignment.note})` : ''}`);
  const result = await runPpkmNetwork({
    params, crypto, graph, data, seed: config.seed,
    loss: config.loss, retryMs: config.loss > 0 ? 500 : 0,
    computeDelayMs: (i) => speeds[i]!,
    onSend: (from, _to, frame) => { const i = Number(from.slice(1)); bytesSoFar[i] = bytesSoFar[i]! + frame.length; },
    onIteration: (i, l, c) => {
      const rec = perNode[i]!;
      rec.centroids[l - 1] = c;
      rec.bytes[l - 1] = bytesSoFar[i]!;
      const slowest = Math.min(...perNode.map((r) => r.centroids.length));
      if (slowest > reported) {
        reported = slowest;
        progress(Math.min(0.98, 0.05 + (0.93 * slowest) / config.iterations), `iteration ${slowest} done by every node`);
      }
    },
  });
  bytesSoFar = new Float64Array(0);
  const wallSeconds = (performance.now() - started) / 1000;
  const maxIter = Math.max(...result.nodes.map((n) => n.iterations));
  const iterations: IterationReport[] = [];
  for (let l = 1; l <= maxIter; l++) {
    let inertiaSum = 0, bytes = 0;
    for (const rec of perNode) {
      const c = rec.centroids[Math.min(l, rec.centroids.length) - 1]!;
      inertiaSum += inertia(all, c);
      const cur = rec.bytes[Math.min(l, rec.bytes.length) - 1]!;
      const prev = l >= 2 && l - 2 < rec.bytes.length ? rec.bytes[l - 2]! : 0;
      bytes += l <= rec.bytes.length ? cur - prev : 0;
    }
    iterations.push({
      index: l, k: config.k, epsilon: 0, inertia: inertiaSum / N,
      bytesPerParticipant: bytes / N, msPerParticipant: (wallSeconds * 1000) / (N * maxIter),
    });
  }
  const reference = lloyd(all, init, { maxIterations: 1000, tolerance: 0 });
  progress(1, 'done');
  return {
    protocol: 'ppkm', transport: 'memory', config, participants: N, iterations,
    final: {
      centroids: result.nodes[0]!.centroids,
      inertia: result.nodes.reduce((a, n) => a + inertia(all, n.centroids), 0) / N,
      referenceInertia: reference.inertia,
      epsilonSpent: 0,
      iterations: maxIter,
      wallSeconds,
    },
  };
}
