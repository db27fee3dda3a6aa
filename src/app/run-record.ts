/**
 * What the UI shows and keeps of a run: the public outputs (BRIEF §7 RunResult) plus the public
 * perturbed centroids of every iteration, and — in lab mode only — the omniscient extras that a
 * real swarm never reveals (sampled participants' series, centroids before noise).
 * @module
 */
import type { RunResult } from '../sim/contract';

/** One sampled participant in lab mode: their series and their closest perturbed centroid per iteration. */
export interface SampledParticipant {
  /** Display label, e.g. `participant #213`. */
  label: string;
  series: number[];
  /** closest[i] = index into `centroids[i]` of the nearest perturbed centroid after iteration i + 1. */
  closest: number[];
  /**
   * PPkM lab only (every node has its own centroids): profiles[i] = the closest centroid of this
   * participant's OWN node after iteration i + 1 (`closest` then indexes that node's centroids).
   */
  profiles?: number[][];
}

/** One centroid of one iteration before and after the differential-privacy noise (lab mode only). */
export interface NoisePair {
  /** Stable centroid id (its index among the initial centroids). */
  id: number;
  before: number[];
  after: number[];
}

/** Omniscient views only a lab-mode simulator can produce. */
export interface LabExtras {
  sampled: SampledParticipant[];
  /** noise[i] = the first ≤ 4 alive centroids of iteration i + 1 before and after noise (empty for PPkM: no noise). */
  noise: NoisePair[][];
}

/** A finished (or replayed) run as the results views consume it. */
export interface RunRecord {
  /** Unique id (history key). */
  id: string;
  /** Epoch milliseconds when the run finished. */
  savedAt: number;
  /** Human label, e.g. `Lab · electricity · 200 participants · 1024 bits`. */
  label: string;
  /** Where it came from. */
  source: 'lab' | 'swarm';
  /** Series length T and value unit (e.g. `kWh`). */
  T: number;
  unit: string;
  result: RunResult;
  /** centroids[i] = public perturbed centroids after iteration i + 1 (after ejection and smoothing). */
  centroids: number[][][];
  /** The viewer's own series (swarm: their data; lab: a sampled participant playing "Bob"). */
  own?: { label: string; series: number[] };
  lab?: LabExtras;
}
