/**
 * PPkM (Zhu & Li 2020) over real WebRTC: one {@link PpkmNode} per tab on a fixed neighbour graph.
 * PPkM synchronises locally with a node's neighbours Γ_i only, so the tab links exactly to Γ_i
 * (the smaller id dials, the larger answers, no glare), refuses every other incoming link, and runs
 * the node over a {@link Transport} whose neighbour view is Γ_i. The assistant is a neighbour, chosen
 * by the node itself. Keys and every vector operation run in the crypto worker pool through
 * {@link poolPpkmCrypto} (only the one-multiplication `add` stays on the main thread).
 * @module
 */
import { realClock, type Clock } from '../core/clock';
import type { Rng } from '../core/rng';
import type { PeerId } from '../core/transport';
import type { PrivateKey, PublicKey } from '../crypto/types';
import type { PpkmCrypto } from '../protocol/ppkm/crypto';
import { PpkmNode } from '../protocol/ppkm/node';
import type { PpkmParams } from '../protocol/ppkm/params';
import { Channel } from './codec';
import { createMesh, type Mesh, type MeshStats } from './mesh';
import { createConnector, type PeerConnectionFactory } from './rtc';
import { isValidPeerId, peerjsSignalling, type PeerjsServerConfig, type Signalling } from './signalling';
import { createWebRtcTransport } from './transport';

/** The worker-pool operations PPkM needs (a subset of workers/pool's CryptoPool). */
export interface PpkmPool {
  generateKeyPair(bits: number): Promise<PrivateKey>;
  encryptVector(pk: PublicKey, values: readonly bigint[], variant?: 'standard' | 'djn'): Promise<bigint[]>;
  decryptVector(sk: PrivateKey, cts: readonly bigint[]): Promise<bigint[]>;
  mulConstVector(pk: PublicKey, cts: readonly bigint[], k: bigint): Promise<bigint[]>;
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/**
 * A {@link PpkmCrypto} over the worker pool for `bits`-bit keys. Received moduli are checked here
 * (odd, exact size); key generation, encryption (DJN randomness), decryption and scaling run in
 * workers. `add` is one modular multiplication and stays synchronous, as the interface requires.
 */
export function poolPpkmCrypto(pool: PpkmPool, bits: number): PpkmCrypto {
  if (![512, 1024, 2048, 3072].includes(bits)) throw new RangeError(`poolPpkmCrypto: key bits must be 512, 1024, 2048 or 3072, got ${bits}`);
  const n2Of = (pk: PublicKey): bigint => pk.n * pk.n;
  return {
    name: `paillier-${bits}-djn-pool`,
    keyBits: bits,
    generateKeyPair: () => pool.generateKeyPair(bits),
    publicKey(n) {
      if (typeof n !== 'bigint') throw new TypeError('poolPpkmCrypto: modulus must be a bigint');
      if (n % 2n === 0n || bitLength(n) !== bits) throw new RangeError(`poolPpkmCrypto: modulus must be odd with ${bits} bits, got ${bitLength(n)} bits`);
      return { n, bits };
    },
    ciphertextBytes: (pk) => Math.ceil((2 * pk.bits) / 8),
    isValidCiphertext: (pk, c) => typeof c === 'bigint' && c > 0n && c < n2Of(pk) && c % pk.n !== 0n,
    encrypt: (pk, ms) => pool.encryptVector(pk, ms, 'djn'),
    decrypt: (sk, cs) => pool.decryptVector(sk, cs),
    add(pk, a, b) {
      const n2 = n2Of(pk);
      if (typeof a !== 'bigint' || typeof b !== 'bigint' || a <= 0n || b <= 0n || a >= n2 || b >= n2) throw new RangeError('poolPpkmCrypto.add: ciphertext outside (0, n²)');
      return (a * b) % n2;
    },
    mulConst: (pk, cs, k) => pool.mulConstVector(pk, cs, k),
  };
}

/**
 * The neighbour graph a round's creator hands out: the complete graph when n ≤ degree + 1, otherwise a
 * ring over a random order (connected) plus random edges between nodes still below `degree`.
 * Returns adjacency lists by member index (undirected, sorted).
 * @throws RangeError if n < 2 or degree < 2
 */
export function ppkmGraph(n: number, degree: number, rng: Rng): number[][] {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`ppkmGraph: need an integer n ≥ 2, got ${n}`);
  if (!Number.isSafeInteger(degree) || degree < 2) throw new RangeError(`ppkmGraph: degree must be an integer ≥ 2, got ${degree}`);
  const sets = Array.from({ length: n }, () => new Set<number>());
  const link = (a: number, b: number): void => { if (a !== b) { sets[a]!.add(b); sets[b]!.add(a); } };
  if (n <= degree + 1) {
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) link(a, b);
  } else {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = rng.nextUint32() % (i + 1); [order[i], order[j]] = [order[j]!, order[i]!]; }
    for (let i = 0; i < n; i++) link(order[i]!, order[(i + 1) % n]!);
    for (let tries = 0; tries < 20 * n; tries++) {
      const open = order.filter((v) => sets[v]!.size < degree);
      if (open.length < 2) break;
      const a = open[rng.nextUint32() % open.length]!, b = open[rng.nextUint32() % open.length]!;
      if (a !== b && !sets[a]!.has(b)) link(a, b);
    }
  }
  return sets.map((x) => [...x].sort((a, b) => a - b));
}

/** Options of {@link startPpkmTab}. */
export interface PpkmTabOptions {
  /** This tab's id (PeerJS id) and its fixed neighbours Γ_i (ids of the other tabs). */
  self: PeerId;
  neighbours: readonly PeerId[];
  /** PeerJS server, or a factory of any signalling strategy for an id. */
  signalling: PeerjsServerConfig | ((self: PeerId) => Signalling);
  iceServers?: RTCIceServer[];
  factory?: PeerConnectionFactory;
  params: PpkmParams;
  /** Round number carried by every PPkM message (frames of another round are dropped). */
  round: number;
  crypto: PpkmCrypto;
  /** This participant's private records (never leave the tab in the clear). */
  records: readonly (readonly number[] | Float64Array)[];
  rng?: Rng;
  clock?: Clock;
  /** Gives up linking after this many ms (default 30 s). */
  linkTimeoutMs?: number;
  /** After each of this node's iterations; `moved` is the largest centroid move (≤ ε_stop ⇒ last). */
  onIteration?: (iteration: number, centroids: number[][], moved: number) => void;
}

/** A tab's PPkM participation. */
export interface PpkmTab {
  readonly self: PeerId;
  /** Starts the node (after every tab linked its neighbours). */
  start(): void;
  readonly node: PpkmNode;
  stats(): MeshStats & { peers: number };
  close(): void;
}

/**
 * Registers `self` with the signalling server, links to every neighbour and builds the node.
 * Resolves once all links are open; rejects naming the neighbours that could not be reached.
 */
export async function startPpkmTab(o: PpkmTabOptions): Promise<PpkmTab> {
  if (!isValidPeerId(o.self)) throw new RangeError(`startPpkmTab: invalid id ${JSON.stringify(o.self)}`);
  const neighbours = [...new Set(o.neighbours)];
  if (neighbours.length === 0) throw new RangeError(`startPpkmTab: ${o.self} has no neighbours`);
  for (const p of neighbours) if (!isValidPeerId(p) || p === o.self) throw new RangeError(`startPpkmTab: invalid neighbour ${JSON.stringify(p)}`);
  if (!Number.isSafeInteger(o.round) || o.round < 0) throw new RangeError(`startPpkmTab: round must be a non-negative integer, got ${o.round}`);
  const clock = o.clock ?? realClock();
  const signalling = typeof o.signalling === 'function' ? o.signalling(o.self) : peerjsSignalling(o.self, o.signalling);
  const ref: { mesh?: Mesh } = {};
  const connector = createConnector({
    signalling, factory: o.factory, iceServers: o.iceServers, timeoutMs: 20_000,
    // Only neighbours may link: PPkM's privacy argument assumes messages come from Γ_i alone.
    accept: (p) => neighbours.includes(p) && ref.mesh!.accepts(p),
  });
  const mesh = ref.mesh = createMesh({ self: o.self, dialer: connector, clock, maxPending: 2, maxLinks: neighbours.length });
  const fail = (e: unknown): never => { mesh.close(); signalling.close(); throw e instanceof Error ? e : new Error(String(e)); };
  await signalling.ready().catch(fail);
  const transport = createWebRtcTransport({ mesh, neighbours: () => neighbours });
  mesh.onMessage((from, ch, payload) => { if (ch === Channel.Protocol) transport.receive(from, payload); });
  const all = new Promise<void>((resolve) => {
    const check = (): void => { if (neighbours.every((p) => mesh.has(p))) resolve(); };
    mesh.onPeer(check);
    check();
  });
  // The smaller id dials (the other side may not be registered yet: retry until the deadline).
  const deadline = Date.now() + (o.linkTimeoutMs ?? 30_000);
  const dialLoop = async (p: PeerId): Promise<void> => {
    while (!mesh.has(p) && Date.now() < deadline) {
      if (await mesh.connect(p)) return;
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  void Promise.all(neighbours.filter((p) => o.self < p).map(dialLoop));
  const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), Math.max(0, deadline - Date.now())))]);
  if (timedOut) fail(new Error(`ppkm ${o.self}: could not link neighbours ${neighbours.filter((p) => !mesh.has(p)).join(', ')}`));
  const node = new PpkmNode({
    params: o.params, round: o.round, transport, clock, crypto: o.crypto, records: o.records, rng: o.rng,
    retryMs: 0, onIteration: o.onIteration, // links are reliable (acked): no protocol-level resend
  });
  return {
    self: o.self,
    node,
    start: () => node.start(),
    stats: () => ({ ...mesh.stats(), peers: mesh.peers().length }),
    close() { transport.close(); mesh.close(); signalling.close(); },
  };
}
