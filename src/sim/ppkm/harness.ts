/**
 * Builds a PPkM network of {@link PpkmNode}s on a graph over the {@link SimNetwork} and runs it until
 * every node is done. Shared by the simulator runner and the tests.
 * @module
 */
import type { Rng } from '../../core/rng';
import { seededRng } from '../../core/rng';
import type { PeerId } from '../../core/transport';
import type { PpkmCrypto } from '../../protocol/ppkm/crypto';
import { PpkmNode } from '../../protocol/ppkm/node';
import type { PpkmParams } from '../../protocol/ppkm/params';
import type { Graph } from './graph';
import { SimNetwork } from './network';

/** Options of {@link runPpkmNetwork}. */
export interface PpkmNetworkOptions {
  readonly params: PpkmParams;
  readonly crypto: PpkmCrypto;
  readonly graph: Graph;
  /** Records of node i. */
  readonly data: readonly (readonly (readonly number[] | Float64Array)[])[];
  readonly seed: number;
  readonly round?: number;
  readonly latencyMs?: readonly [number, number];
  readonly loss?: number;
  readonly retryMs?: number;
  /** Simulated local compute time of node i's iteration l (clock ms). */
  readonly computeDelayMs?: (node: number, iteration: number) => number;
  readonly onSend?: (from: PeerId, to: PeerId, frame: Uint8Array) => void;
  readonly onIteration?: (node: number, iteration: number, centroids: number[][]) => void;
  /** Rng of node i (masks, λ, assistant choice); default seeded from `seed`. */
  readonly nodeRng?: (node: number) => Rng;
}

/** The finished network. */
export interface PpkmNetworkResult {
  readonly nodes: PpkmNode[];
  readonly network: SimNetwork;
  /** "node ← from: reason" for every dropped frame. */
  readonly drops: string[];
}

/** Node i's peer id. */
export const peerId = (i: number): PeerId => `n${i}`;

/**
 * Runs PPkM to completion.
 * @throws Error if a node failed or the network went quiet before every node finished
 */
export async function runPpkmNetwork(o: PpkmNetworkOptions): Promise<PpkmNetworkResult> {
  if (o.data.length !== o.graph.length) throw new RangeError(`runPpkmNetwork: ${o.data.length} datasets for ${o.graph.length} nodes`);
  const net = new SimNetwork({ rng: seededRng(o.seed), latencyMs: o.latencyMs, loss: o.loss, onSend: o.onSend });
  const drops: string[] = [];
  const byId = new Map<PeerId, PpkmNode>();
  const nodes = o.graph.map((adj, i) => {
    const id = peerId(i);
    const node = new PpkmNode({
      params: o.params,
      round: o.round ?? 1,
      transport: net.transport(id, adj.map(peerId)),
      clock: net.clock(id),
      crypto: o.crypto,
      records: o.data[i]!,
      rng: o.nodeRng?.(i) ?? seededRng((o.seed ^ 0x5bd1e995) + i * 7919),
      computeDelayMs: o.computeDelayMs ? (l) => o.computeDelayMs!(i, l) : undefined,
      retryMs: o.retryMs,
      onDrop: (from, reason) => drops.push(`${id} ← ${from}: ${reason}`),
      onIteration: o.onIteration ? (l, c) => o.onIteration!(i, l, c) : undefined,
    });
    byId.set(id, node);
    return node;
  });
  for (const n of nodes) n.start();
  await Promise.all(nodes.map((n) => n.idle()));
  const allDone = (): boolean => nodes.every((n) => n.done);
  await net.run((target) => byId.get(target)?.idle() ?? Promise.resolve(), allDone);
  const failed = nodes.find((n) => n.error !== undefined);
  if (failed) throw new Error(`ppkm node ${failed.id} failed: ${String(failed.error)}`);
  if (!allDone()) throw new Error(`ppkm: network went quiet with ${nodes.filter((n) => !n.done).length} nodes unfinished`);
  return { nodes, network: net, drops };
}
