/**
 * One PPkM participant as a message-driven state machine over Transport + Clock. A node plays three
 * roles at once: N_i running its own iterations, a neighbour N_a answering requests (history table +
 * wait table), and the assistant N_si of any neighbour that picked it (it owns that neighbour's
 * aggregation key pair). Processing is serialised through one promise chain, so async crypto (a
 * worker pool in tabs) never interleaves two handlers.
 * @module
 */
import type { Clock, Cancel } from '../../core/clock';
import type { Rng } from '../../core/rng';
import { randomBelow, secureRng } from '../../core/rng';
import type { PeerId, Transport } from '../../core/transport';
import type { PrivateKey, PublicKey } from '../../crypto/types';
import { aggregateAndMask, decryptShares, encryptContribution } from './aggregation';
import type { PpkmCrypto } from './crypto';
import { divisionBlind, divisionCiphertextCount, divisionFinish, divisionOutputCount, divisionRequest } from './division';
import type { DivisionSpec, PackedLayout } from './layout';
import { aggregationLayout, divisionSpecs } from './layout';
import type { LocalData } from './local-stats';
import { decodeRatio, localValues, prepareLocalData } from './local-stats';
import type { CiphertextBlock, PpkmMessage } from './messages';
import {
  MsgType, decodeMessage, encodeAggregate, encodeAssistKey, encodeAssistRequest, encodeDivisionReply,
  encodeRequest, encodeResponse,
} from './messages';
import type { PpkmParams, PpkmSizes } from './params';
import { deriveSizes, valueCount } from './params';

/** Options of {@link PpkmNode}. */
export interface PpkmNodeOptions {
  readonly params: PpkmParams;
  /** Round id carried by every frame; frames of another round are dropped. */
  readonly round: number;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly crypto: PpkmCrypto;
  /** This node's records (never leave the node in the clear). */
  readonly records: readonly (readonly number[] | Float64Array)[];
  /** Masks, λ and the assistant choice; defaults to {@link secureRng} (seeded only in simulations). */
  readonly rng?: Rng;
  /** Local compute time of an iteration's local step, in clock ms (simulated speed); default 0. */
  readonly computeDelayMs?: (iteration: number) => number;
  /** Resend unanswered requests/aggregates after this many ms (0 = never; for lossy links). */
  readonly retryMs?: number;
  /** Observer of dropped frames. */
  readonly onDrop?: (from: PeerId, reason: string) => void;
  /** Called after each of this node's iterations with its new centroids. */
  readonly onIteration?: (iteration: number, centroids: number[][], moved: number) => void;
}

/** Counters exposed for tests and reports. */
export interface PpkmNodeStats {
  /** Requests that arrived before this node reached their iteration (the wait table). */
  waitTableUses: number;
  /** Dropped frames. */
  dropped: number;
  /** Bytes sent. */
  bytesSent: number;
  /** Frames sent. */
  framesSent: number;
}

type Phase = 'init' | 'awaiting-key' | 'computing' | 'collecting' | 'dividing' | 'done';

/** A PPkM participant. Call {@link PpkmNode.start} once. */
export class PpkmNode {
  readonly id: PeerId;
  readonly stats: PpkmNodeStats = { waitTableUses: 0, dropped: 0, bytesSent: 0, framesSent: 0 };
  /** C^(1), C^(2), …: this node's centroids after each iteration (index 0 = initial). */
  readonly centroidHistory: number[][][] = [];

  private readonly p: PpkmParams;
  private readonly z: PpkmSizes;
  private readonly layout: PackedLayout;
  private readonly specs: DivisionSpec[];
  private readonly V: number;
  private readonly rng: Rng;
  private readonly data: LocalData;
  private readonly neighbours: PeerId[];
  private chain: Promise<void> = Promise.resolve();
  private phase: Phase = 'init';
  /** Current iteration l (the largest l with an entry in the history table). */
  private l = 0;
  private readonly history = new Map<number, bigint[]>();
  /** Wait table: iteration → requesters (with their keys). */
  private readonly waitTable = new Map<number, Map<PeerId, PublicKey>>();
  private readonly requesterKeys = new Map<PeerId, PublicKey>();
  private assistant: PeerId | undefined;
  private aggKey: PublicKey | undefined;
  private divisionKey: PrivateKey | undefined;
  private responses = new Map<PeerId, bigint[]>();
  private masks: bigint[] = [];
  private pendingAggregate: Uint8Array | undefined;
  private retry: Cancel | undefined;
  /** Assistant role: key pairs held for neighbours, and the last reply per neighbour (replayed on duplicates). */
  private readonly assisting = new Map<PeerId, PrivateKey>();
  private readonly lastReply = new Map<PeerId, { iteration: number; frame: Uint8Array }>();
  private failure: unknown;
  private finalValues: bigint[] | undefined;

  constructor(private readonly o: PpkmNodeOptions) {
    this.p = o.params;
    this.z = deriveSizes(o.params);
    this.layout = aggregationLayout(this.p, this.z);
    this.specs = divisionSpecs(this.p, this.z);
    this.V = valueCount(this.p);
    this.rng = o.rng ?? secureRng();
    this.data = prepareLocalData(o.records, this.p);
    this.id = o.transport.self;
    this.neighbours = [...o.transport.neighbours()];
    if (this.neighbours.length === 0) throw new RangeError(`ppkm node ${this.id}: no neighbours`);
    if (this.neighbours.length > this.p.maxNeighbours) {
      throw new RangeError(`ppkm node ${this.id}: ${this.neighbours.length} neighbours exceed maxNeighbours = ${this.p.maxNeighbours}`);
    }
    this.centroidHistory.push(this.p.initialCentroids.map((c) => [...c]));
    o.transport.onFrame((from, frame) => this.enqueue(() => this.onFrame(from, frame)));
  }

  /** This node's current centroids (the final ones once {@link PpkmNode.done}). */
  get centroids(): number[][] {
    return this.centroidHistory[this.centroidHistory.length - 1]!;
  }

  /** Iterations completed. */
  get iterations(): number {
    return this.centroidHistory.length - 1;
  }

  /** True once the node reached ε_stop or the iteration cap. */
  get done(): boolean {
    return this.phase === 'done';
  }

  /** The first unexpected error, if processing failed (the node then stops). */
  get error(): unknown {
    return this.failure;
  }

  /** Settles when every queued handler has run, including handlers queued meanwhile. */
  async idle(): Promise<void> {
    for (;;) {
      const c = this.chain;
      await c;
      if (c === this.chain) return;
    }
  }

  /** Picks an assistant, creates the division key and starts iteration 1 once pk_i arrives. */
  start(): void {
    this.enqueue(async () => {
      if (this.phase !== 'init') return;
      this.divisionKey = await this.o.crypto.generateKeyPair();
      this.assistant = this.neighbours[Number(randomBelow(this.rng, BigInt(this.neighbours.length)))]!;
      this.phase = 'awaiting-key';
      this.send(this.assistant, encodeAssistRequest(this.o.round));
      this.armRetry(() => { if (this.phase === 'awaiting-key') this.send(this.assistant!, encodeAssistRequest(this.o.round)); });
    });
  }

  private enqueue(fn: () => void | Promise<void>): void {
    this.chain = this.chain.then(fn).catch((err: unknown) => {
      this.failure ??= err;
      this.phase = 'done';
    });
  }

  private send(to: PeerId, frame: Uint8Array): void {
    this.stats.bytesSent += frame.length;
    this.stats.framesSent++;
    this.o.transport.send(to, frame);
  }

  private drop(from: PeerId, reason: string): void {
    this.stats.dropped++;
    this.o.onDrop?.(from, reason);
  }

  private armRetry(fn: () => void): void {
    this.retry?.();
    this.retry = undefined;
    const ms = this.o.retryMs ?? 0;
    if (ms <= 0) return;
    const again = (): void => {
      this.retry = this.o.clock.setTimer(ms, () => this.enqueue(() => { fn(); again(); }));
    };
    again();
  }

  private async onFrame(from: PeerId, frame: Uint8Array): Promise<void> {
    if (this.failure !== undefined) return;
    if (!this.neighbours.includes(from)) return this.drop(from, 'not a neighbour');
    const res = decodeMessage(frame, { maxIterations: this.p.maxIterations + 1, maxCiphertexts: this.V + divisionCiphertextCount(this.specs) });
    if (!res.ok) return this.drop(from, res.reason);
    const m = res.message;
    if (m.round !== this.o.round) return this.drop(from, `wrong round ${m.round}`);
    switch (m.type) {
      case MsgType.AssistRequest: return this.onAssistRequest(from);
      case MsgType.AssistKey: return this.onAssistKey(from, m.n);
      case MsgType.Request: return this.onRequest(from, m.iteration, m.n);
      case MsgType.Response: return this.onResponse(from, m.iteration, m.ciphertexts);
      case MsgType.Aggregate: return this.onAggregate(from, m);
      case MsgType.DivisionReply: return this.onDivisionReply(from, m.iteration, m.ciphertexts);
    }
  }

  // ── Assistant role ────────────────────────────────────────────────────────────────────────────

  private async onAssistRequest(from: PeerId): Promise<void> {
    let sk = this.assisting.get(from);
    if (!sk) {
      sk = await this.o.crypto.generateKeyPair();
      this.assisting.set(from, sk);
    }
    this.send(from, encodeAssistKey(this.o.round, sk.publicKey.n));
  }

  private async onAggregate(from: PeerId, m: Extract<PpkmMessage, { type: 5 }>): Promise<void> {
    const sk = this.assisting.get(from);
    if (!sk) return this.drop(from, 'aggregate from a node this node does not assist');
    const last = this.lastReply.get(from);
    if (last && m.iteration === last.iteration) return this.send(from, last.frame); // duplicate: same λ, same reply
    if (last && m.iteration < last.iteration) return this.drop(from, `stale aggregate for iteration ${m.iteration}`);
    let divPk: PublicKey;
    try {
      divPk = this.o.crypto.publicKey(m.divisionN);
    } catch (err) {
      return this.drop(from, `bad division key: ${String(err)}`);
    }
    const bad = this.checkBlock(sk.publicKey, m.aggregate, this.layout.plaintexts.length)
      ?? this.checkBlock(divPk, m.division, divisionCiphertextCount(this.specs));
    if (bad) return this.drop(from, bad);
    const shares = await decryptShares(this.o.crypto, sk, m.aggregate.values, this.layout, this.V);
    const blinded = await divisionBlind(this.o.crypto, divPk, m.division.values, shares, this.specs, this.rng);
    const frame = encodeDivisionReply(this.o.round, m.iteration, blinded, this.o.crypto.ciphertextBytes(divPk));
    this.lastReply.set(from, { iteration: m.iteration, frame });
    this.send(from, frame);
  }

  private checkBlock(pk: PublicKey, block: CiphertextBlock, count: number): string | undefined {
    if (block.values.length !== count) return `expected ${count} ciphertexts, got ${block.values.length}`;
    if (block.width !== this.o.crypto.ciphertextBytes(pk)) return `ciphertext width ${block.width} does not match the key`;
    for (const c of block.values) if (!this.o.crypto.isValidCiphertext(pk, c)) return 'ciphertext out of range';
    return undefined;
  }

  // ── Neighbour role: history table and wait table ──────────────────────────────────────────────

  private async onRequest(from: PeerId, iteration: number, n: bigint): Promise<void> {
    let pk = this.requesterKeys.get(from);
    if (pk && pk.n !== n) return this.drop(from, 'requester changed its key');
    if (!pk) {
      try {
        pk = this.o.crypto.publicKey(n);
      } catch (err) {
        return this.drop(from, `bad request key: ${String(err)}`);
      }
      this.requesterKeys.set(from, pk);
    }
    if (this.phase === 'done' && iteration > this.l) this.extendHistory(iteration);
    if (this.history.has(iteration)) return this.respond(from, iteration, pk);
    // Request from a node ahead of us: answer when we reach that iteration.
    let waiting = this.waitTable.get(iteration);
    if (!waiting) this.waitTable.set(iteration, (waiting = new Map()));
    if (!waiting.has(from)) this.stats.waitTableUses++;
    waiting.set(from, pk);
  }

  /** A finished node keeps serving later iterations with its final (fixed-point) centroids. */
  private extendHistory(upTo: number): void {
    this.finalValues ??= localValues(this.data, this.centroids, this.p);
    for (let l = this.l + 1; l <= upTo; l++) if (!this.history.has(l)) this.history.set(l, this.finalValues);
  }

  private async respond(to: PeerId, iteration: number, pk: PublicKey): Promise<void> {
    const cts = await encryptContribution(this.o.crypto, pk, this.history.get(iteration)!, this.layout);
    this.send(to, encodeResponse(this.o.round, iteration, cts, this.o.crypto.ciphertextBytes(pk)));
  }

  private async serveWaitTable(): Promise<void> {
    for (const [iteration, waiting] of [...this.waitTable]) {
      if (!this.history.has(iteration)) continue;
      this.waitTable.delete(iteration);
      for (const [from, pk] of waiting) await this.respond(from, iteration, pk);
    }
  }

  // ── N_i role: one iteration ───────────────────────────────────────────────────────────────────

  private onAssistKey(from: PeerId, n: bigint): void {
    if (from !== this.assistant || this.phase !== 'awaiting-key') return this.drop(from, 'unexpected assistant key');
    try {
      this.aggKey = this.o.crypto.publicKey(n);
    } catch (err) {
      return this.drop(from, `bad assistant key: ${String(err)}`);
    }
    this.beginIteration(1);
  }

  private beginIteration(l: number): void {
    this.phase = 'computing';
    const delay = this.o.computeDelayMs?.(l) ?? 0;
    const run = (): Promise<void> => this.localStep(l);
    if (delay > 0) this.o.clock.setTimer(delay, () => this.enqueue(run));
    else this.enqueue(run);
  }

  /** Fig. 2 steps 1–3: local sums into the history table, serve waiting requests, request (i, l). */
  private async localStep(l: number): Promise<void> {
    if (this.phase !== 'computing') return;
    this.history.set(l, localValues(this.data, this.centroids, this.p));
    this.l = l;
    await this.serveWaitTable();
    this.responses = new Map();
    this.phase = 'collecting';
    const request = encodeRequest(this.o.round, l, this.aggKey!.n);
    for (const a of this.neighbours) this.send(a, request);
    this.responses.set(this.id, await encryptContribution(this.o.crypto, this.aggKey!, this.history.get(l)!, this.layout));
    this.armRetry(() => {
      if (this.phase !== 'collecting' || this.l !== l) return;
      for (const a of this.neighbours) if (!this.responses.has(a)) this.send(a, request);
    });
    await this.maybeAggregate();
  }

  private async onResponse(from: PeerId, iteration: number, block: CiphertextBlock): Promise<void> {
    if (this.phase !== 'collecting' || iteration !== this.l) return this.drop(from, `response for iteration ${iteration} outside collection of ${this.l}`);
    if (this.responses.has(from)) return this.drop(from, 'duplicate response');
    const bad = this.checkBlock(this.aggKey!, block, this.layout.plaintexts.length);
    if (bad) return this.drop(from, bad);
    this.responses.set(from, [...block.values]);
    await this.maybeAggregate();
  }

  /** Secure aggregation (N_i side) and the first message of the secure division, in one frame. */
  private async maybeAggregate(): Promise<void> {
    if (this.phase !== 'collecting' || this.responses.size !== this.neighbours.length + 1) return;
    const pk = this.aggKey!;
    const { masked, masks } = await aggregateAndMask(this.o.crypto, pk, [...this.responses.values()], this.layout, this.V, this.z.maskBits, this.rng);
    this.masks = masks;
    const divPk = this.divisionKey!.publicKey;
    const division = await divisionRequest(this.o.crypto, divPk, masks, this.specs);
    this.phase = 'dividing';
    this.pendingAggregate = encodeAggregate(this.o.round, this.l, divPk.n, masked, this.o.crypto.ciphertextBytes(pk), division, this.o.crypto.ciphertextBytes(divPk));
    this.send(this.assistant!, this.pendingAggregate);
    const l = this.l;
    this.armRetry(() => { if (this.phase === 'dividing' && this.l === l) this.send(this.assistant!, this.pendingAggregate!); });
  }

  /** Secure division result: new centroids, termination test, next iteration. */
  private async onDivisionReply(from: PeerId, iteration: number, block: CiphertextBlock): Promise<void> {
    if (from !== this.assistant) return this.drop(from, 'division reply from a non-assistant');
    if (this.phase !== 'dividing' || iteration !== this.l) return this.drop(from, `division reply for iteration ${iteration} outside division of ${this.l}`);
    const sk = this.divisionKey!;
    const bad = this.checkBlock(sk.publicKey, block, divisionOutputCount(this.specs));
    if (bad) return this.drop(from, bad);
    const ratios = await divisionFinish(this.o.crypto, sk, block.values, this.specs, this.V);
    this.masks = [];
    this.pendingAggregate = undefined;
    const D = this.p.d + 1;
    const old = this.centroids;
    const next = old.map((c, j) => c.map((x, s) => {
      const r = ratios[j * D + s];
      return r === null || r === undefined ? x : decodeRatio(r, s, this.p);
    }));
    let moved = 0;
    next.forEach((c, j) => { moved = Math.max(moved, Math.hypot(...c.map((x, s) => x - old[j]![s]!))); });
    this.centroidHistory.push(next);
    this.o.onIteration?.(this.l, next, moved);
    if (moved <= this.p.epsStop || this.l >= this.p.maxIterations) {
      this.phase = 'done';
      this.retry?.();
      // Requests from neighbours that are still iterating are answered with the final centroids.
      const pendingMax = Math.max(this.l, ...this.waitTable.keys());
      this.extendHistory(pendingMax);
      await this.serveWaitTable();
      return;
    }
    this.beginIteration(this.l + 1);
  }
}
