/**
 * The run configuration and result shapes of BRIEF §7, shared by `npm run sim`, `npm run swarm`,
 * the UI's lab mode and history. Other tools parse this JSON: change it only additively.
 * @module
 */

/** Which protocol a round runs. */
export type ProtocolName = 'chiaroscuro' | 'ppkm';
import type { BudgetStrategy } from '../core/dp/budget';

export type { BudgetStrategy };
/** Bundled dataset name, or a path/name of a CSV file. */
export type DatasetName = 'lcl' | 'tumor' | 'italy' | `${string}.csv`;
/** Paillier modulus size; 0 = identical arithmetic without encryption. */
export type KeyBits = 0 | 512 | 1024 | 2048;

/** Every option shared by `sim` and `swarm` (defaults live in src/sim/options.ts). */
export interface RunConfig {
  protocol: ProtocolName;
  dataset: DatasetName;
  /** N: simulated participants (tabs in a swarm). */
  participants: number;
  /** L: series contributed by each participant (user-level DP bound). */
  seriesPerParticipant: number;
  k: number;
  iterations: number;
  /** Total privacy budget ε over the whole run (Chiaroscuro only). */
  epsilon: number;
  strategy: BudgetStrategy;
  /** Moving-average window; 1 = off. */
  smoothing: number;
  keyBits: KeyBits;
  seed: number;
  /** P ≥ N: population the DP noise is calibrated for (the seed demo's shrinkFactor = P / N). */
  population: number;
  /** Fraction of participants that leave during the run. */
  churn: number;
  /** Probability that one message is lost. */
  loss: number;
  /**
   * Fraction of each iteration's ε spent on a private inertia estimate (BRIEF §3.8); 0 = none.
   * Optional in JSON written before it existed.
   */
  privateInertia?: number;
  /** Overlay degree (PPkM |Γ|; gossip view size for Chiaroscuro). */
  neighbors: number;
}

/** One iteration's public outputs and costs. */
export interface IterationReport {
  /** 1-based iteration number. */
  index: number;
  /** Centroids alive after ejection. */
  k: number;
  /** ε spent in this iteration. */
  epsilon: number;
  /** Omniscient evaluator: mean squared distance of every series to its nearest centroid. */
  inertia: number;
  /**
   * The swarm's own differentially private estimate of `inertia` (with `privateInertia` > 0). It is
   * aggregated during the next iteration, so the last iteration has none.
   */
  privateInertia?: number;
  bytesPerParticipant: number;
  msPerParticipant: number;
}

/** The JSON written by `--json FILE`. */
export interface RunResult {
  protocol: ProtocolName;
  transport: 'memory' | 'webrtc';
  config: RunConfig;
  participants: number;
  iterations: IterationReport[];
  final: {
    centroids: number[][];
    inertia: number;
    /** Centralised non-private Lloyd k-means from the same initial centroids, run to convergence. */
    referenceInertia: number;
    epsilonSpent: number;
    iterations: number;
    wallSeconds: number;
    /** Why the run ended (see docs/PROTOCOL.md, Termination). */
    stopReason?: 'max-iterations' | 'budget-exhausted' | 'converged' | 'all-centroids-ejected' | 'too-few-contributors' | 'stalled';
  };
}
