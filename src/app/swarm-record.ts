/**
 * A real swarm round as a {@link RunRecord}: the public perturbed centroids of every iteration as the
 * session released them, with this tab's own traffic and crypto time. A real swarm has no omniscient
 * evaluator, so `inertia` is NaN, never computed from anyone's un-noised data; rounds that spend part
 * of ε on it carry the swarm's private estimate instead (`privateInertia`, one iteration late).
 * @module
 */
import type { IterationReport, RunConfig, RunResult } from '../sim/contract';
import type { RunRecord } from './run-record';

/** One released iteration as a tab saw it. */
export interface ReleasedIteration {
  iteration: number;
  centroids: number[][];
  /** Cumulative ε spent after this iteration. */
  epsilonSpent: number;
  /** This tab's cumulative counters when the centroids arrived. */
  bytes: number;
  cryptoMs: number;
  /** Private estimate of the previous iteration's inertia released with these centroids, if any. */
  priorInertia?: number;
}

/** Inputs of {@link swarmRecord}. */
export interface SwarmRecordInput {
  id: string;
  label: string;
  config: RunConfig;
  participants: number;
  T: number;
  unit: string;
  released: readonly ReleasedIteration[];
  wallSeconds: number;
  own?: { label: string; series: number[] };
  savedAt: number;
}

/**
 * Builds the record; iterations are taken in order, one per iteration number (a repeated release of
 * the same iteration keeps the last).
 * @throws RangeError when nothing was released
 */
export function swarmRecord(input: SwarmRecordInput): RunRecord {
  const byIt = new Map<number, ReleasedIteration>();
  for (const r of input.released) if (r.iteration >= 1) byIt.set(r.iteration, r);
  const its = [...byIt.values()].sort((a, b) => a.iteration - b.iteration);
  if (its.length === 0) throw new RangeError('swarmRecord: no iteration was released');
  let prev = { eps: 0, bytes: 0, ms: 0 };
  const iterations: IterationReport[] = its.map((r) => {
    const estimate = byIt.get(r.iteration + 1)?.priorInertia;
    const rep: IterationReport = {
      index: r.iteration, k: r.centroids.length, epsilon: r.epsilonSpent - prev.eps, inertia: Number.NaN,
      bytesPerParticipant: r.bytes - prev.bytes, msPerParticipant: r.cryptoMs - prev.ms,
      ...(estimate !== undefined ? { privateInertia: estimate } : {}),
    };
    prev = { eps: r.epsilonSpent, bytes: r.bytes, ms: r.cryptoMs };
    return rep;
  });
  const last = its[its.length - 1]!;
  const result: RunResult = {
    protocol: input.config.protocol,
    transport: 'webrtc',
    config: { ...input.config, participants: input.participants },
    participants: input.participants,
    iterations,
    final: { centroids: last.centroids, inertia: Number.NaN, referenceInertia: Number.NaN, epsilonSpent: last.epsilonSpent, iterations: last.iteration, wallSeconds: input.wallSeconds },
  };
  return {
    id: input.id, savedAt: input.savedAt, label: input.label, source: 'swarm', T: input.T, unit: input.unit, result,
    centroids: its.map((r) => r.centroids), ...(input.own ? { own: input.own } : {}),
  };
}
