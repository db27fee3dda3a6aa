/**
 * Overlay graphs for PPkM runs: complete graphs (exactness tests) and random connected graphs whose
 * degrees are close to a target D (a random Hamiltonian ring for connectivity, then random extra edges
 * between nodes still below D).
 * @module
 */
import type { Rng } from '../../core/rng';

/** Adjacency lists by node index (undirected: j ∈ adj[i] ⇔ i ∈ adj[j]). */
export type Graph = number[][];

/** The complete graph on n nodes. */
export function completeGraph(n: number): Graph {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`completeGraph: need an integer n ≥ 2, got ${n}`);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => j).filter((j) => j !== i));
}

/**
 * A random connected graph with every degree in [2, D] and most equal to D (D ≥ n − 1 gives the
 * complete graph). Deterministic for a given rng state.
 */
export function randomConnectedGraph(n: number, D: number, rng: Rng): Graph {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`randomConnectedGraph: need an integer n ≥ 2, got ${n}`);
  if (!Number.isInteger(D) || D < 1) throw new RangeError(`randomConnectedGraph: degree must be a positive integer, got ${D}`);
  if (D >= n - 1 || n <= 3) return completeGraph(n);
  const sets = Array.from({ length: n }, () => new Set<number>());
  const link = (a: number, b: number): void => { sets[a]!.add(b); sets[b]!.add(a); };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextUint32() % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (let i = 0; i < n; i++) link(order[i]!, order[(i + 1) % n]!);
  // Random stubs among nodes below D; give up on a node after a few failed pairings.
  let open = order.filter((v) => sets[v]!.size < D);
  let stalls = 0;
  while (open.length > 1 && stalls < 20 * n) {
    const a = open[rng.nextUint32() % open.length]!;
    const b = open[rng.nextUint32() % open.length]!;
    if (a === b || sets[a]!.has(b)) { stalls++; continue; }
    link(a, b);
    open = open.filter((v) => sets[v]!.size < D);
  }
  return sets.map((s) => [...s].sort((x, y) => x - y));
}

/** True if every node reaches every other. */
export function isConnected(g: Graph): boolean {
  const seen = new Set<number>([0]);
  const stack = [0];
  while (stack.length) for (const v of g[stack.pop()!]!) if (!seen.has(v)) { seen.add(v); stack.push(v); }
  return seen.size === g.length;
}
