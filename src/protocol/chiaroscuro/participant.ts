/**
 * The Chiaroscuro participant as a message-driven state machine (BRIEF §3). It is driven only by
 * received frames/messages and by timers of the injected Clock; it sends through the injected link,
 * computes all crypto through the injected (async) backend and draws noise from the injected Rng.
 *
 * Per iteration ℓ (started by the public centroids of ℓ − 1):
 *  1. assign its ≤ L clipped series to the centroids → per-centroid sums and counts;
 *  2. add Gamma-difference noise shares (scales b·N/P, see round.ts), fixed-point encode, pack
 *     k·T sums + k counts + 1 weight slot, encrypt every plaintext (zero slots too);
 *  3. wait until n′ members (the contributors the noise shares are sized for) are known to have
 *     encrypted theirs: a contributor census (src/core/census.ts) gossiped in the clear, so that a
 *     slow device's contribution is mixed like the others' instead of missing the iteration;
 *  4. push-sum for `cycles` cycles: each cycle halve (exponent e + 1, in the clear) and push the same
 *     numerator, with its census, to a random neighbour; a received state is merged after scaling
 *     to the larger e, and the censuses are joined;
 *  5. key holders, after the gossip plus a grace period staggered by holder index (fail-over), ask
 *     all holders to partially decrypt their own converged state; each holder answers ONE request per
 *     iteration, and none for an aggregate of fewer than n′ contributors (it would be under-noised:
 *     the round then ends with `too-few-contributors`, nothing of ℓ released); with ≥ t partials the
 *     requester decrypts, forms centroid = (sum/weight)/(count/weight), ejects, smooths, clips,
 *     checks termination and floods the public centroids (round, ℓ).
 * Every received frame is validated; invalid, stale or unexpected ones are dropped and counted.
 * @module
 */
import type { Clock, Cancel } from '../../core/clock';
import type { Rng } from '../../core/rng';
import type { PeerId } from '../../core/transport';
import { MAX_FRAME_BYTES } from '../../core/transport';
import { censusCount, censusLacks, censusOf, censusUnion, emptyCensus } from '../../core/census';
import type { Census } from '../../core/census';
import { clusterSums, squaredDistanceSum } from '../../core/kmeans';
import type { ReadonlySeries } from '../../core/series';
import { clipSeries } from '../../core/series';
import { noiseShareSampler, oversizedContributors } from '../../core/dp/noise-shares';
import { createAccountant } from '../../core/dp/budget';
import type { Accountant } from '../../core/dp/budget';
import { ejectCentroids, suggestedMinCount } from '../../core/ejection';
import { movingAverage } from '../../core/smoothing';
import { maxCentroidShift, shouldStop } from '../../core/termination';
import type { StopReason } from '../../core/termination';
import { pack, unpack } from '../../crypto/packing';
import type { PackingLayout } from '../../crypto/packing';
import type { KeyShare } from '../../crypto/types';
import type { CryptoBackend, SyncCryptoOps } from '../crypto-backend';
import type { MessageLink } from './link';
import { decodeMessage, MessageType, validateMessage } from './messages';
import type {
  CensusMsg, CentroidsMsg, ChiaroscuroMessage, DecodeContext, DecryptRequest, DropReason, GossipPush, KeyShareMsg,
  PartialDecryptionMsg,
} from './messages';
import { inertiaCap, inertiaSlot, iterationNoise, maxExponent, NOISE_TAIL, roundLayout, slotCount } from './round';
import type { RoundConfig } from './round';

/**
 * A key holder waits this many cycles (at least {@link MIN_TAKEOVER_PATIENCE_MS}) before taking over
 * from a linked holder that is, or may be, decrypting the iteration: the lower holder whose aggregate
 * it answered, or the lowest holder below it that it is linked to (in tabs every holder is linked to
 * holder 1: src/net/overlay.ts). A take-over with the same aggregate is safe but duplicates the work;
 * one with its own aggregate would split the holders' answers (each answers one aggregate per
 * iteration), and then neither requester would reach the threshold.
 */
export const TAKEOVER_PATIENCE_CYCLES = 100;
export const MIN_TAKEOVER_PATIENCE_MS = 30_000;
/**
 * Holder h + 1 looks at the iteration's decryption this long after holder h (cycles, at least
 * {@link MIN_TAKEOVER_SLOT_MS}): long enough for holder h's request to reach it, over a link that may
 * have to be dialled first, before it would ask for its own aggregate.
 */
export const TAKEOVER_SLOT_CYCLES = 4;
export const MIN_TAKEOVER_SLOT_MS = 2_000;
/**
 * A requester asks the key holders that have not answered again after this many cycles (at least
 * {@link MIN_REQUEST_RETRY_MS}): a request or a reply lost with a closing link would otherwise stall
 * the iteration, since a holder answers one aggregate per iteration. A holder answers a repeated
 * request for the same aggregate with the same partials (nothing new is released).
 */
export const REQUEST_RETRY_CYCLES = 30;
export const MIN_REQUEST_RETRY_MS = 5_000;
/** Repeats of one request at most (holders that are gone never answer; take-over handles that). */
export const MAX_REQUEST_RETRIES = 6;

/**
 * A key holder whose iteration has not found its n′ contributors this many cycles (at least
 * {@link MIN_CONTRIBUTOR_WAIT_MS}) after its own contribution was encrypted ends the round with
 * `too-few-contributors`. Generous: on one machine running 50 tabs the last encryptions of an
 * iteration came 55 s after the first.
 */
export const CONTRIBUTOR_WAIT_CYCLES = 400;
export const MIN_CONTRIBUTOR_WAIT_MS = 120_000;

/** Early pushes (next iteration) buffered per participant at most. */
export const MAX_EARLY_PUSHES = 64;

/** What the aggregator decrypted (public noisy aggregates), for logs and the lab view. */
export interface Release {
  iteration: number;
  /** Noisy sums and counts at the scale of N participants, for the centroids alive in ℓ. */
  noisySums: Float64Array[];
  noisyCounts: number[];
  /** Indices (into the previous centroids) of the centroids kept after ejection. */
  kept: number[];
  /** Contributors in the decrypted aggregate (its census; N in a round without one). */
  contributors: number;
  /** Holder index of the aggregator and the push-sum exponent of its state. */
  aggregator: number;
  exponent: number;
  /** Why the run stops after this iteration, or null. */
  stopReason: StopReason | null;
  /** The ejection threshold applied to the noisy counts. */
  minCount: number;
  /**
   * Private estimate of the inertia of the centroids this iteration started from (noisy capped
   * squared-distance sum over the noisy number of series); absent without one (or when the noisy
   * number of series is not positive).
   */
  priorInertia?: number;
}

/** Events a participant reports (for logs, the simulator and the UI). */
export type ParticipantEvent =
  | { type: 'dropped'; from: PeerId; reason: DropReason; detail: string }
  | { type: 'iteration-started'; iteration: number }
  | { type: 'centroids'; msg: CentroidsMsg }
  | { type: 'released'; release: Release }
  /** A key holder answered the decryption request of `iteration` (it never answers another one for it). */
  | { type: 'answered'; iteration: number }
  /** This key holder ended the round at `iteration`: only `contributors` of the `needed` contributed. */
  | { type: 'too-few-contributors'; iteration: number; contributors: number; needed: number }
  | { type: 'error'; error: unknown };

/** Dependencies and private inputs of a {@link Participant}. */
export interface ParticipantOptions {
  config: RoundConfig;
  link: MessageLink;
  clock: Clock;
  backend: CryptoBackend;
  /** secureRng() in tabs; seededRng in simulations. Noise shares, gossip targets, timer jitter. */
  rng: Rng;
  /** This participant's private series (≤ L are used, clipped to [lo, hi]). */
  data: readonly ReadonlySeries[];
  /** This participant's index among the round's N members (its bit in the contributor census). */
  memberIndex: number;
  /** Key share when known up front (otherwise received from the dealer as a KeyShare message). */
  keyShare?: KeyShare;
  /** Precomputed layout (shared by all simulated participants). */
  layout?: PackingLayout;
  /**
   * Iterations this key holder already answered a decryption request for (kept across a reload of
   * its tab): answering a second aggregator of the same iteration would release more.
   */
  answered?: readonly number[];
  /** Observer of every event. */
  onEvent?: (e: ParticipantEvent) => void;
  /** Receives each chunk of pending async work (the simulator awaits it before advancing time). */
  onWork?: (work: Promise<void>) => void;
  /**
   * Tabs: resolves after `ms` in a later macrotask (setTimeout), so a result's handling is split into
   * short main-thread tasks and iteration starts are spread over a few ms. Absent (simulator): no split.
   */
  pause?: (ms: number) => Promise<void>;
}

/** A handler's completion: nothing (ran synchronously) or a promise (awaited an async backend). */
type Step = void | Promise<void>;

/** Element-wise equality of two ciphertext vectors. */
function sameValues(a: readonly bigint[], b: readonly bigint[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Runs `f` on `x` at once when `x` is a value (synchronous backend), after it when it is a promise. */
function after<T>(x: T | Promise<T>, f: (v: T) => Step): Step {
  return x instanceof Promise ? x.then(f) : f(x);
}

/**
 * Plain-array copies of published centroids, one per message object: on the simulator's object path
 * a flooded message reaches every participant, and a private k×T copy each was ≈ 4 KB per
 * participant (hundreds of MB at 10^5). The copies are shared, so they are never modified.
 */
const centroidCopies = new WeakMap<object, number[][]>();
function sharedCopy(key: readonly ArrayLike<number>[]): number[][] {
  let c = centroidCopies.get(key);
  if (!c) {
    c = key.map((x) => Array.from(x));
    centroidCopies.set(key, c);
  }
  return c;
}

/**
 * `ready`: encrypted, waiting for the census to show n′ contributors (rounds with a census) before
 * the gossip starts.
 */
type Phase = 'waiting' | 'encrypting' | 'ready' | 'gossip' | 'gossip-done' | 'finished' | 'stopped';

/** A gossip state: ciphertexts over 2^e, and the members whose contribution they contain. */
interface GossipState { c: bigint[]; e: number; census: Census }

/**
 * A key holder's one answer of an iteration: the aggregate it partially decrypted, for whom (the
 * first requester's id and holder index) and when, its partials once computed, and who else asked for
 * the same aggregate meanwhile (they get the same partials when ready).
 */
interface Answer {
  requester: PeerId;
  requesterIndex: number;
  at: number;
  exponent: number;
  ciphertexts: readonly bigint[];
  census: Census;
  reply: PartialDecryptionMsg | null;
  waiting: PeerId[];
}

/** One participant of a Chiaroscuro round. */
export class Participant {
  readonly self: PeerId;
  /** Dropped frames by reason. */
  readonly drops: Partial<Record<DropReason, number>> = {};
  /**
   * Latest public centroids and the iteration they result from (0 = initial). Read-only: shared with
   * other participants that received the same message object (copy before modifying).
   */
  centroids: number[][];
  centroidsIteration = 0;
  epsilonSpent = 0;
  /** Why the round ended, from the final Centroids message (null while running or if unspecified). */
  stopReason: StopReason | null = null;

  private readonly cfg: RoundConfig;
  private readonly link: MessageLink;
  private readonly clock: Clock;
  private readonly backend: CryptoBackend;
  private readonly rng: Rng;
  private readonly data: Float64Array[];
  private readonly layout: PackingLayout;
  private readonly slots: number;
  private readonly count: number;
  private readonly maxExponent: number;
  private readonly holderIndex: number;
  /** n′: contributors the noise shares are sized for; no aggregate of fewer is decrypted. */
  private readonly needed: number;
  /** This member's own census, and the empty one (both empty in a round without a census). */
  private readonly ownCensus: Census;
  private readonly noCensus: Census;
  private readonly accountant: Accountant;
  private readonly onEvent: (e: ParticipantEvent) => void;
  private readonly onWork: ((w: Promise<void>) => void) | undefined;
  private keyShare: KeyShare | undefined;

  /** Iteration being aggregated (0 before the start). */
  private current = 0;
  private phase: Phase = 'waiting';
  private state: GossipState | null = null;
  /** Members known to have encrypted their contribution to the current iteration. */
  private known: Census;
  /** When this participant's contribution to the current iteration was encrypted, and its gossip began. */
  private readyAt = 0;
  private gossipAt = 0;
  /** Why this holder ended the round, if it did: the contributors it saw and the n′ it needed. */
  private shortfall: { iteration: number; contributors: number; needed: number } | null = null;
  private cyclesDone = 0;
  private frozen = false;
  private early: { from: PeerId; msg: GossipPush }[] = [];
  /** A relay of late contributions is scheduled (see relayLateContributions). */
  private relayPending = false;
  /** Pushes of the current iteration one cycle ahead of this participant, merged at its next cycle. */
  private ahead: { msg: GossipPush }[] = [];
  private timers: Cancel[] = [];
  private answered = new Set<number>();
  /** When this participant's gossip of the current iteration ended (take-over patience counts from it). */
  private gossipDoneAt = 0;
  /**
   * This holder's answer per iteration: to whom (id and holder index), when, for which aggregate, and
   * the reply once computed.
   */
  private replies = new Map<number, Answer>();
  private readonly pause: ((ms: number) => Promise<void>) | undefined;
  private request: { iteration: number; partials: Map<number, bigint[]>; exponent: number; census: Census; done: boolean } | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Synchronous crypto of an in-thread backend: handlers then run to completion without promises. */
  private readonly sync: SyncCryptoOps | undefined;
  /** Sync mode: a handler is running; work enqueued meanwhile (e.g. to itself) waits in `queue`. */
  private running = false;
  private readonly queue: (() => Step)[] = [];
  private ctx: DecodeContext | null = null;

  constructor(opts: ParticipantOptions) {
    this.cfg = opts.config;
    this.link = opts.link;
    this.self = opts.link.self;
    this.clock = opts.clock;
    this.backend = opts.backend;
    this.sync = opts.backend.sync;
    this.rng = opts.rng;
    this.layout = opts.layout ?? roundLayout(this.cfg);
    this.slots = slotCount(this.cfg);
    this.count = Math.ceil(this.slots / this.layout.slotsPerPlaintext);
    this.maxExponent = maxExponent(this.cfg);
    if (this.layout.scalingBits < this.maxExponent) {
      throw new RangeError(`Participant: layout scaling headroom ${this.layout.scalingBits} < max exponent ${this.maxExponent}`);
    }
    if (this.layout.modulus !== this.backend.plaintextModulus) {
      throw new RangeError('Participant: layout modulus differs from the backend plaintext modulus');
    }
    this.data = opts.data.slice(0, this.cfg.L).map((s) => {
      if (s.length !== this.cfg.T) throw new RangeError(`Participant: series of length ${s.length}, round T = ${this.cfg.T}`);
      return clipSeries(s, this.cfg.lo, this.cfg.hi);
    });
    this.holderIndex = this.cfg.holderIds.indexOf(this.self) + 1;
    const N = this.cfg.participants;
    if (!Number.isSafeInteger(opts.memberIndex) || opts.memberIndex < 0 || opts.memberIndex >= N) {
      throw new RangeError(`Participant: member index must be an integer in [0, ${N}), got ${opts.memberIndex}`);
    }
    this.needed = oversizedContributors(N, this.cfg.dropout);
    this.noCensus = this.cfg.census ? emptyCensus(N) : new Uint32Array(0);
    this.ownCensus = this.cfg.census ? censusOf(N, opts.memberIndex) : this.noCensus;
    this.known = this.noCensus;
    this.keyShare = opts.keyShare;
    for (const i of opts.answered ?? []) this.answered.add(i);
    this.accountant = createAccountant(this.cfg.epsilon);
    this.centroids = sharedCopy(this.cfg.initialCentroids);
    this.onEvent = opts.onEvent ?? (() => {});
    this.onWork = opts.onWork;
    this.pause = opts.pause;
  }

  /** True once the round finished (final centroids received) or the participant was stopped. */
  get done(): boolean {
    return this.phase === 'finished' || this.phase === 'stopped';
  }

  /** This participant's 1-based key-holder index, or 0. */
  get holder(): number {
    return this.holderIndex;
  }

  /** Whether a key share is held. */
  get hasKeyShare(): boolean {
    return this.keyShare !== undefined;
  }

  /**
   * Where this participant is in the round, for diagnosing a stalled one: its phase and iteration,
   * the decryption it requested (iteration and partials received so far), and the iterations it
   * answered as a key holder.
   */
  get progress(): {
    phase: string; iteration: number; known: number; census: number; readyAt: number; gossipAt: number;
    shortfall: { iteration: number; contributors: number; needed: number } | null;
    requested: { iteration: number; partials: number } | null; answered: number[];
  } {
    const r = this.request;
    return {
      phase: this.phase, iteration: this.current, known: censusCount(this.known), census: this.state ? censusCount(this.state.census) : 0,
      readyAt: this.readyAt, gossipAt: this.gossipAt, shortfall: this.shortfall,
      requested: r ? { iteration: r.iteration, partials: r.partials.size } : null, answered: [...this.answered],
    };
  }

  /**
   * The validation context for frames received now (shared and cached until the iteration changes:
   * callers must not modify it).
   */
  decodeContext(): DecodeContext {
    const minIteration = Math.max(0, this.current - 1);
    if (this.ctx?.minIteration !== minIteration) this.ctx = this.makeDecodeContext(minIteration);
    return this.ctx;
  }

  private makeDecodeContext(minIteration: number): DecodeContext {
    return {
      round: this.cfg.round,
      minIteration,
      maxIteration: this.cfg.iterations,
      ciphertextCount: this.count,
      ciphertextBytes: this.backend.ciphertextBytes,
      isValidCiphertext: (c) => this.backend.isValidCiphertext(c),
      isValidPartial: (v) => this.backend.isValidPartial(v),
      holders: this.cfg.holderIds.length,
      members: this.cfg.participants,
      census: this.cfg.census,
      k: this.cfg.k,
      T: this.cfg.T,
      maxFrameBytes: MAX_FRAME_BYTES,
    };
  }

  /** Entry point for a received frame (bytes): decoded, validated, then handled. Never throws. */
  handle(from: PeerId, frame: Uint8Array): void {
    this.enqueue(() => {
      if (this.phase === 'stopped') return;
      const r = decodeMessage(frame, this.decodeContext());
      if (!r.ok) return this.drop(from, r.reason, r.detail);
      return this.dispatch(from, r.msg);
    });
  }

  /** Entry point for a received message object (simulator fast path): validated, then handled. */
  receive(from: PeerId, msg: ChiaroscuroMessage): void {
    // Flooding delivers each result ≈ 2·degree times: drop known ones at once, before queueing and
    // validating k·T values. Safe out of queue order: once old, centroids of an iteration stay old.
    if (msg.type === MessageType.Centroids && this.phase !== 'stopped' && this.isOldCentroids(msg.iteration)) {
      return this.drop(from, 'duplicate', 'centroids already known');
    }
    this.enqueue(() => {
      if (this.phase === 'stopped') return;
      const r = validateMessage(msg, this.decodeContext());
      if (!r.ok) return this.drop(from, r.reason, r.detail);
      return this.dispatch(from, r.msg);
    });
  }

  /** The round creator starts iteration 1 by flooding the public initial centroids (iteration 0). */
  start(): void {
    this.enqueue(() =>
      this.adoptCentroids(this.self, {
        type: MessageType.Centroids, round: this.cfg.round, iteration: 0, final: false, epsilonSpent: 0,
        centroids: this.cfg.initialCentroids.map((c) => Float64Array.from(c)),
      }),
    );
  }

  /** Leaves the round: cancels timers and ignores everything afterwards. */
  stop(): void {
    this.phase = 'stopped';
    this.cancelTimers();
    this.state = null;
  }

  /** Resolves when all work queued so far has run. */
  idle(): Promise<void> {
    return this.chain;
  }

  /**
   * Runs `fn` after all work queued before it. With a synchronous backend it runs at once (or right
   * after the running handler: same order as the promise chain, without a promise per message);
   * otherwise it is chained and reported through `onWork`.
   */
  private enqueue(fn: () => Step): void {
    if (!this.sync) {
      this.chain = this.chain.then(fn).catch((error: unknown) => this.onEvent({ type: 'error', error }));
      this.onWork?.(this.chain);
      return;
    }
    this.queue.push(fn);
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        try {
          const r = next();
          // Unreachable with sync crypto; kept so an async result is still awaited and ordered.
          if (r instanceof Promise) this.track(r);
        } catch (error) {
          this.onEvent({ type: 'error', error });
        }
      }
    } finally {
      this.running = false;
    }
  }

  private track(work: Promise<void>): void {
    this.chain = this.chain.then(() => work).catch((error: unknown) => this.onEvent({ type: 'error', error }));
    this.onWork?.(this.chain);
  }

  private encryptOp(plaintexts: bigint[]): bigint[] | Promise<bigint[]> {
    return this.sync ? this.sync.encryptVector(plaintexts) : this.backend.encryptVector(plaintexts);
  }

  private mergeOp(a: bigint[], ea: number, b: bigint[], eb: number): { c: bigint[]; e: number } | Promise<{ c: bigint[]; e: number }> {
    return this.sync ? this.sync.mergeScaled(a, ea, b, eb) : this.backend.mergeScaled(a, ea, b, eb);
  }

  private drop(from: PeerId, reason: DropReason, detail: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    this.onEvent({ type: 'dropped', from, reason, detail });
  }

  private dispatch(from: PeerId, msg: ChiaroscuroMessage): Step {
    switch (msg.type) {
      case MessageType.GossipPush: return this.onPush(from, msg);
      case MessageType.DecryptRequest: return this.onDecryptRequest(from, msg);
      case MessageType.PartialDecryption: return this.onPartial(from, msg);
      case MessageType.Centroids: return this.onCentroids(from, msg);
      case MessageType.KeyShare: return this.onKeyShare(from, msg);
      case MessageType.Census: return this.onCensus(from, msg);
    }
  }

  // ---- key shares -------------------------------------------------------------------------------

  private onKeyShare(from: PeerId, msg: KeyShareMsg): void {
    const pk = this.cfg.publicKey;
    if (msg.iteration !== 0 || msg.index !== this.holderIndex || this.holderIndex === 0) {
      return this.drop(from, 'unexpected', `key share ${msg.index} for holder ${this.holderIndex}`);
    }
    if (msg.n !== pk.n || msg.threshold !== pk.threshold || msg.holders !== pk.holders) {
      return this.drop(from, 'bad-shape', 'key share for another public key');
    }
    if (this.keyShare) return this.drop(from, 'duplicate', 'key share already held');
    this.keyShare = { publicKey: pk, index: msg.index, secret: msg.secret };
  }

  // ---- iteration start --------------------------------------------------------------------------

  /** Whether centroids of `iteration` are stale or already adopted (or the round is over). */
  private isOldCentroids(iteration: number): boolean {
    return iteration < this.current || (iteration === this.centroidsIteration && this.current > 0) || this.done;
  }

  private onCentroids(from: PeerId, msg: CentroidsMsg): Step {
    if (this.isOldCentroids(msg.iteration)) {
      return this.drop(from, 'duplicate', `centroids of iteration ${msg.iteration}`);
    }
    return this.adoptCentroids(from, msg);
  }

  private adoptCentroids(from: PeerId, msg: CentroidsMsg): Step {
    if (msg.centroids.length === 0) return this.drop(from, 'bad-shape', 'no centroids');
    this.cancelTimers();
    this.centroids = sharedCopy(msg.centroids);
    this.centroidsIteration = msg.iteration;
    this.epsilonSpent = msg.epsilonSpent;
    if (msg.final) this.stopReason = msg.stopReason ?? null;
    // Flood once: every participant forwards a new public result to its neighbours.
    for (const p of this.link.neighbours()) if (p !== from && p !== this.self) this.link.send(p, msg);
    const rest = (): Step => {
      if (this.phase === 'stopped') return;
      this.onEvent({ type: 'centroids', msg });
      this.state = null;
      this.frozen = false;
      if (msg.final || msg.iteration >= this.cfg.iterations) {
        this.phase = 'finished';
        return;
      }
      const pause = this.pause;
      if (!pause) return this.startIteration(msg.iteration + 1);
      // A tab: every participant of the swarm receives the result at about the same moment, and on a
      // machine running many tabs their iteration starts (noise sampling, packing) would all land in
      // one burst. A random delay of less than one cycle spreads them; it is small next to the spread
      // the encryptions already add (a device runs them one or a few at a time), and each
      // participant's gossip cycles count from the end of its own encryption anyway.
      return pause(this.rng.nextFloat() * this.cfg.cycleMs).then(() => {
        if (this.phase !== 'stopped' && this.centroidsIteration === msg.iteration) return this.startIteration(msg.iteration + 1);
      });
    };
    // In a tab, the rest runs in a later task: forwarding and the result's own handling are separate
    // main-thread tasks.
    return this.pause ? this.pause(0).then(rest) : rest();
  }

  private startIteration(iteration: number): Step {
    this.current = iteration;
    this.cyclesDone = 0;
    this.known = this.noCensus;
    this.ahead = [];
    this.relayPending = false;
    const eps = this.cfg.budgets[iteration - 1]!;
    if (!this.accountant.canSpend(eps)) {
      this.phase = 'finished';
      return;
    }
    this.accountant.spend(eps);
    this.phase = 'encrypting';
    this.onEvent({ type: 'iteration-started', iteration });
    return this.sliced(this.contribution(iteration), () => this.encrypting(iteration), (values) => this.encryptContribution(iteration, values));
  }

  /** Still encrypting `iteration`: not stopped or overtaken meanwhile. */
  private encrypting(iteration: number): boolean {
    return this.phase === 'encrypting' && this.current === iteration;
  }

  /**
   * Runs `steps` to the end, then `last` with their result: at once without `pause` (simulator), one
   * step per task in a tab, so an iteration's start (noise sampling, fixed-point conversion) is a
   * series of short main-thread tasks instead of one long one. Stops if `live()` turns false.
   */
  private sliced<T>(steps: Generator<void, T>, live: () => boolean, last: (r: T) => Step): Step {
    for (;;) {
      const r = steps.next();
      if (r.done) return last(r.value);
      if (this.pause) return this.pause(0).then(() => (live() ? this.sliced(steps, live, last) : undefined));
    }
  }

  private encryptContribution(iteration: number, values: bigint[]): Step {
    const plaintexts = pack(this.layout, values);
    return after(this.encryptOp(plaintexts), (c) => {
      if (!this.encrypting(iteration)) return;
      this.state = { c, e: 0, census: this.ownCensus };
      this.known = censusUnion(this.known, this.ownCensus);
      this.readyAt = this.clock.now();
      this.phase = this.cfg.census ? 'ready' : 'gossip';
      const early = this.early.filter((x) => x.msg.iteration === iteration);
      this.early = this.early.filter((x) => x.msg.iteration > iteration);
      return after(this.mergeAll(early, 0), () => {
        if (this.current !== iteration || (this.phase !== 'ready' && this.phase !== 'gossip')) return;
        // A push of this iteration means its sender counted n′ contributors: the gossip has begun.
        if (this.phase === 'gossip' || early.length > 0 || censusCount(this.known) >= this.needed) return this.beginGossip(iteration);
        // Tell the neighbours at once (they answer with whom they know), then one of them per cycle.
        for (const p of this.link.neighbours()) if (p !== this.self) this.sendCensus(p, iteration, false);
        this.timers.push(this.clock.setTimer(this.cfg.cycleMs, () => this.enqueue(() => this.censusCycle(iteration))));
      });
    });
  }

  /**
   * Starts the push-sum cycles of `iteration` (its contributors are known, or there is no census).
   * In a round with a census it floods the census first: every neighbour still waiting then starts
   * too, so the swarm's gossip starts within a few network hops rather than cycles, and the push-sum
   * mixes every contribution as in a common start.
   */
  private beginGossip(iteration: number): void {
    this.cancelTimers(); // a pending census cycle
    if (this.cfg.census) for (const p of this.link.neighbours()) if (p !== this.self) this.sendCensus(p, iteration, true);
    this.phase = 'gossip';
    this.gossipAt = this.clock.now();
    // Cycles on a common schedule from here: the exponents stay in step (see cycle()).
    this.timers.push(this.clock.setTimer(this.cfg.cycleMs, () => this.enqueue(() => this.cycle(iteration))));
  }

  private sendCensus(to: PeerId, iteration: number, reply: boolean): void {
    const msg: CensusMsg = { type: MessageType.Census, round: this.cfg.round, iteration, reply, census: this.known };
    this.link.send(to, msg);
  }

  /**
   * One cycle of waiting for contributors: push the census to a random neighbour (push-pull: it
   * answers with members it knows and we do not). A key holder that waited too long ends the round.
   */
  private censusCycle(iteration: number): Step {
    if (this.phase !== 'ready' || this.current !== iteration) return;
    this.timers = []; // the only pending timer was this one, which just fired
    const wait = Math.max(MIN_CONTRIBUTOR_WAIT_MS, CONTRIBUTOR_WAIT_CYCLES * this.cfg.cycleMs);
    if (this.holderIndex > 0 && this.clock.now() - this.readyAt >= wait) return this.endForTooFewContributors(iteration, censusCount(this.known));
    const peers = this.link.neighbours().filter((p) => p !== this.self);
    if (peers.length > 0) this.sendCensus(peers[Math.floor(this.rng.nextFloat() * peers.length)]!, iteration, false);
    this.timers.push(this.clock.setTimer(this.cfg.cycleMs, () => this.enqueue(() => this.censusCycle(iteration))));
  }

  private onCensus(from: PeerId, msg: CensusMsg): void {
    if (msg.iteration !== this.current) return this.drop(from, msg.iteration < this.current ? 'stale-iteration' : 'future-iteration', `census for ${msg.iteration}`);
    if (this.phase === 'waiting' || this.done) return this.drop(from, 'unexpected', `census for ${msg.iteration} while ${this.phase}`);
    this.known = censusUnion(this.known, msg.census);
    // Census traffic is best effort and never opens a link: answer only a current neighbour.
    if (!msg.reply && censusLacks(msg.census, this.known) && this.link.neighbours().includes(from)) this.sendCensus(from, msg.iteration, true);
    if (this.phase === 'ready' && censusCount(this.known) >= this.needed) this.beginGossip(msg.iteration);
  }

  /**
   * Ends the round at `iteration` without releasing it: fewer than n′ members contributed, so its
   * aggregate would be under-noised. Every participant learns it from the flooded final message,
   * which re-publishes the previous centroids (ℓ − 1's result, still valid) and the ε spent before ℓ.
   */
  private endForTooFewContributors(iteration: number, contributors: number): Step {
    this.shortfall = { iteration, contributors, needed: this.needed };
    this.onEvent({ type: 'too-few-contributors', ...this.shortfall });
    let epsilonSpent = 0;
    for (let l = 0; l < iteration - 1; l++) epsilonSpent += this.cfg.budgets[l]!;
    return this.adoptCentroids(this.self, {
      type: MessageType.Centroids, round: this.cfg.round, iteration, final: true, stopReason: 'too-few-contributors',
      epsilonSpent, centroids: this.centroids.map((c) => Float64Array.from(c)),
    });
  }

  /** Merges buffered early pushes in order, from index `i`. */
  private mergeAll(early: readonly { msg: GossipPush }[], i: number): Step {
    for (; i < early.length; i++) {
      const r = this.merge(early[i]!.msg);
      if (r instanceof Promise) return r.then(() => this.mergeAll(early, i + 1));
    }
  }

  /**
   * Fixed-point slot values: k·T noisy sums, k noisy counts, 1 weight. Zero slots for ejected
   * centroids. A generator that pauses after each centroid's slots (see {@link sliced}); the draws
   * from the rng come in the same order either way.
   */
  private *contribution(iteration: number): Generator<void, bigint[]> {
    const { k, T } = this.cfg;
    const alive = this.centroids.length;
    const scale = 2 ** this.cfg.fixedPointBits;
    const values = new Array<bigint>(this.slots).fill(0n);
    const { sums, counts } = this.data.length > 0
      ? clusterSums(this.data, this.centroids, alive)
      : { sums: Array.from({ length: alive }, () => new Float64Array(T)), counts: new Float64Array(alive) };
    const z = this.cfg.noise ? iterationNoise(this.cfg, iteration) : null;
    // Samplers built once per iteration (validation and Gamma constants out of the per-slot loop).
    const bounded = (sampler: ((rng: Rng) => number) | null, b: number): number => {
      if (!sampler) return 0;
      for (;;) {
        const x = sampler(this.rng);
        if (Math.abs(x) <= NOISE_TAIL * b) return x;
      }
    };
    const sumShare = z ? noiseShareSampler(z.contributors, z.shareBSums) : null;
    const countShare = z ? noiseShareSampler(z.contributors, z.shareBCounts) : null;
    const bS = z ? z.shareBSums : 1, bC = z ? z.shareBCounts : 1;
    const fx = (v: number): bigint => BigInt(Math.round(v * scale));
    for (let j = 0; j < alive; j++) {
      const s = sums[j]!;
      for (let t = 0; t < T; t++) values[j * T + t] = fx(s[t]! + bounded(sumShare, bS));
      values[k * T + j] = fx(counts[j]! + bounded(countShare, bC));
      yield;
    }
    values[k * T + k] = fx(1);
    if (this.cfg.inertiaFraction > 0) {
      const own = this.data.length > 0 ? squaredDistanceSum(this.data, this.centroids, inertiaCap(this.cfg)) : 0;
      const share = z ? noiseShareSampler(z.contributors, z.shareBInertia) : null;
      values[inertiaSlot(this.cfg)] = fx(own + bounded(share, z ? z.shareBInertia : 1));
    }
    return values;
  }

  // ---- gossip -----------------------------------------------------------------------------------

  private cycle(iteration: number): Step {
    if (this.phase !== 'gossip' || this.current !== iteration || !this.state) return;
    this.timers = []; // the only pending timer was this cycle's, which just fired
    this.cyclesDone++;
    const peers = this.link.neighbours();
    // Push only while the exponent is not ahead of the local cycle count: merges take the larger
    // exponent, so without this rule exponents could outrun the cycles and the slot headroom.
    if (peers.length > 0 && this.state.e < this.cyclesDone + 1 && this.state.e < this.maxExponent) {
      const to = peers[Math.floor(this.rng.nextFloat() * peers.length)]!;
      const st = this.state = { ...this.state, e: this.state.e + 1 };
      this.link.send(to, { type: MessageType.GossipPush, round: this.cfg.round, iteration, exponent: st.e, ciphertexts: st.c, census: st.census });
    }
    // The pushes of neighbours one cycle ahead join the state now that it reached their exponent.
    const ahead = this.ahead;
    this.ahead = [];
    if (this.cyclesDone < this.cfg.cycles) {
      this.timers.push(this.clock.setTimer(this.cfg.cycleMs, () => this.enqueue(() => this.cycle(iteration))));
      return this.mergeAll(ahead, 0);
    }
    this.phase = 'gossip-done';
    this.gossipDoneAt = this.clock.now();
    if (this.holderIndex > 0) {
      // Holder h waits 2 cycles of grace plus (h − 1) take-over slots: the first live holder aggregates.
      const slot = Math.max(TAKEOVER_SLOT_CYCLES * this.cfg.cycleMs, MIN_TAKEOVER_SLOT_MS);
      const wait = 2 * this.cfg.cycleMs + slot * (this.holderIndex - 1);
      this.timers.push(this.clock.setTimer(wait, () => this.enqueue(() => this.aggregate(iteration))));
    }
    return this.mergeAll(ahead, 0);
  }

  private onPush(from: PeerId, msg: GossipPush): Step {
    if (msg.exponent > this.maxExponent) return this.drop(from, 'bad-shape', `exponent ${msg.exponent} > ${this.maxExponent}`);
    if (msg.iteration === this.current + 1 || (msg.iteration === this.current && this.phase === 'encrypting')) {
      if (this.early.length >= MAX_EARLY_PUSHES) return this.drop(from, 'future-iteration', 'early-push buffer full');
      this.early.push({ from, msg });
      return;
    }
    if (msg.iteration !== this.current) return this.drop(from, msg.iteration < this.current ? 'stale-iteration' : 'future-iteration', `push for ${msg.iteration}`);
    if (this.frozen || !this.state || (this.phase !== 'ready' && this.phase !== 'gossip' && this.phase !== 'gossip-done')) {
      return this.drop(from, 'late', `push for ${msg.iteration} after the aggregate was frozen`);
    }
    // Its sender counted n′ contributors: the gossip has begun.
    if (this.phase === 'ready') this.beginGossip(msg.iteration);
    if (this.phase === 'gossip') {
      const e = this.state.e;
      // A push from a neighbour one cycle ahead (its cycle came first) waits for ours. Merged at once
      // it would lift our exponent without a halving, and across a swarm whose cycles are not in
      // phase (tabs, a real network) exponents would then grow about twice per cycle: they reach the
      // slot headroom after half the cycles and everyone stops pushing, before the contributions have
      // mixed (measured: 50 tabs, 150 ms cycles, a key holder's aggregate held 13–33 of 50).
      if (msg.exponent === e + 1) {
        if (this.ahead.length >= MAX_EARLY_PUSHES) return this.drop(from, 'future-iteration', 'buffer of pushes one cycle ahead full');
        this.ahead.push({ msg });
        return;
      }
      // Further ahead: this tab is behind the swarm's gossip (it began late). Catch up: it takes the
      // sender's cycle count, so it pushes at once and ends with the others.
      if (msg.exponent > e + 1) this.cyclesDone = Math.max(this.cyclesDone, Math.min(msg.exponent - 1, this.cfg.cycles - 1));
    }
    return this.merge(msg);
  }

  private merge(msg: GossipPush): Step {
    const st = this.state;
    if (!st) return;
    this.known = censusUnion(this.known, msg.census);
    if (this.phase === 'gossip-done' && censusLacks(st.census, msg.census)) this.relayLateContributions(msg.iteration);
    return after(this.mergeOp(st.c, st.e, msg.ciphertexts, msg.exponent), (merged) => {
      if (this.state === st) {
        this.state = { ...merged, census: censusUnion(st.census, msg.census) };
        return;
      }
      // The state changed while an async merge ran (e.g. it was halved): merge into the new one.
      const cur = this.state;
      if (cur) return after(this.mergeOp(cur.c, cur.e, msg.ciphertexts, msg.exponent), (m) => { this.state = { ...m, census: censusUnion(cur.census, msg.census) }; });
    });
  }

  /**
   * After its own cycles, a participant passes on a push that brought contributions its state lacked:
   * one more halving and push, a cycle later (at most one per cycle, while the exponent has headroom).
   * Without it a contribution that mixed slowly (its tab's cycles came late) stops wherever the
   * swarm's gossip ended, and a key holder's aggregate misses it (measured: 50 tabs on one machine,
   * 43–47 of 50 contributions at the holders in a round's third iteration).
   */
  private relayLateContributions(iteration: number): void {
    if (this.relayPending || !this.cfg.census) return;
    this.relayPending = true;
    this.timers.push(this.clock.setTimer(this.cfg.cycleMs, () => this.enqueue(() => {
      this.relayPending = false;
      const st = this.state;
      if (this.phase !== 'gossip-done' || this.current !== iteration || this.frozen || !st || st.e >= this.maxExponent) return;
      const peers = this.link.neighbours().filter((p) => p !== this.self);
      if (peers.length === 0) return;
      const to = peers[Math.floor(this.rng.nextFloat() * peers.length)]!;
      const next = this.state = { ...st, e: st.e + 1 };
      this.link.send(to, { type: MessageType.GossipPush, round: this.cfg.round, iteration, exponent: next.e, ciphertexts: next.c, census: next.census });
    })));
  }

  // ---- threshold decryption ---------------------------------------------------------------------

  private aggregate(iteration: number): Step {
    // Centroids of this iteration already arrived (current moved on), or we already asked.
    if (this.current !== iteration || this.phase !== 'gossip-done' || !this.state) return;
    if (this.request?.iteration === iteration) return;
    const patience = Math.max(MIN_TAKEOVER_PATIENCE_MS, TAKEOVER_PATIENCE_CYCLES * this.cfg.cycleMs);
    const answered = this.replies.get(iteration);
    // Whose release to wait for, and since when: the lower holder whose aggregate this holder answered
    // (it is decrypting), or else the lowest holder below this one that is linked, so alive: it may
    // only be slow (its gossip can end seconds after ours on a loaded device), and taking over from it
    // with our own aggregate would split the holders' answers between two requesters, and neither
    // would reach the threshold. Wait while it is linked, looking again every few cycles; after the
    // patience, or once its link is gone, take over.
    const linked = this.link.neighbours();
    const awaited = answered
      ? (answered.requesterIndex < this.holderIndex ? answered.requester : undefined)
      : this.cfg.holderIds.slice(0, Math.max(0, this.holderIndex - 1)).find((id) => linked.includes(id));
    const left = (answered ? answered.at : this.gossipDoneAt) + patience - this.clock.now();
    if (awaited !== undefined && left > 0 && linked.includes(awaited)) {
      this.timers.push(this.clock.setTimer(Math.min(left, 10 * this.cfg.cycleMs), () => this.enqueue(() => this.aggregate(iteration))));
      return;
    }
    // A holder that answered another requester's aggregate of this iteration asks for that same
    // aggregate: it may not answer a second one, and the others that answered it can answer again
    // (if that requester left before releasing, no other aggregate of the iteration can reach the
    // threshold once only t holders remain).
    const target = answered ? { c: answered.ciphertexts, e: answered.exponent, census: answered.census } : this.state;
    // Fewer contributors than the noise shares were sized for: decrypting would under-noise the
    // release. Keep merging what still arrives and look again; meanwhile the other holders may take
    // over with a complete aggregate. Past the wait for contributors, end the round.
    const contributors = censusCount(target.census);
    if (this.cfg.census && contributors < this.needed) {
      const wait = this.gossipDoneAt + Math.max(MIN_CONTRIBUTOR_WAIT_MS, CONTRIBUTOR_WAIT_CYCLES * this.cfg.cycleMs) - this.clock.now();
      if (wait <= 0) return this.endForTooFewContributors(iteration, contributors);
      this.timers.push(this.clock.setTimer(Math.min(wait, 2 * this.cfg.cycleMs), () => this.enqueue(() => this.aggregate(iteration))));
      return;
    }
    this.frozen = true;
    const req: DecryptRequest = {
      type: MessageType.DecryptRequest, round: this.cfg.round, iteration, requester: this.holderIndex,
      exponent: target.e, ciphertexts: [...target.c], census: target.census,
    };
    this.request = { iteration, partials: new Map(), exponent: target.e, census: target.census, done: false };
    for (const id of this.cfg.holderIds) {
      if (id === this.self) this.enqueue(() => this.onDecryptRequest(this.self, req));
      else this.link.send(id, req);
    }
    this.scheduleRetry(req, 1);
  }

  /** Re-sends `req` to the holders whose partials are missing, until the iteration is released. */
  private scheduleRetry(req: DecryptRequest, attempt: number): void {
    if (attempt > MAX_REQUEST_RETRIES) return;
    const every = Math.max(MIN_REQUEST_RETRY_MS, REQUEST_RETRY_CYCLES * this.cfg.cycleMs);
    this.timers.push(this.clock.setTimer(every, () => this.enqueue(() => {
      const r = this.request;
      if (!r || r.iteration !== req.iteration || r.done || this.current !== req.iteration) return;
      this.cfg.holderIds.forEach((id, i) => { if (id !== this.self && !r.partials.has(i + 1)) this.link.send(id, req); });
      this.scheduleRetry(req, attempt + 1);
    })));
  }

  private onDecryptRequest(from: PeerId, msg: DecryptRequest): Step {
    const share = this.keyShare;
    if (this.holderIndex === 0 || !share) return this.drop(from, 'unexpected', 'decrypt request to a non-holder');
    if (this.cfg.holderIds[msg.requester - 1] !== from) return this.drop(from, 'unexpected', `requester ${msg.requester} is not ${from}`);
    if (msg.iteration < this.current) return this.drop(from, 'stale-iteration', `decrypt request for ${msg.iteration}`);
    const prior = this.replies.get(msg.iteration);
    if (prior && prior.exponent === msg.exponent && sameValues(prior.ciphertexts, msg.ciphertexts)) {
      // The aggregate this holder already answered, asked again: by its requester (its request or our
      // reply was lost) or by a holder taking over from it. The same partials release nothing new.
      // Still computing: the reply follows.
      if (!prior.reply) {
        if (from !== prior.requester && !prior.waiting.includes(from)) prior.waiting.push(from);
        return;
      }
      return this.sendPartials(from, prior.reply);
    }
    // One decryption per iteration: two different aggregates of the same noisy data would leak more.
    if (this.answered.has(msg.iteration)) return this.drop(from, 'duplicate', `already decrypted iteration ${msg.iteration}`);
    const contributors = censusCount(msg.census);
    if (this.cfg.census && contributors < this.needed) {
      return this.drop(from, 'too-few-contributors', `aggregate of ${contributors} contributors, noise sized for ${this.needed}`);
    }
    this.answered.add(msg.iteration);
    const entry: Answer = {
      requester: from, requesterIndex: msg.requester, at: this.clock.now(), exponent: msg.exponent, ciphertexts: msg.ciphertexts,
      census: msg.census, reply: null, waiting: [],
    };
    this.replies.set(msg.iteration, entry);
    this.replies.delete(msg.iteration - 2); // kept for the current and the previous iteration only
    this.onEvent({ type: 'answered', iteration: msg.iteration });
    const partials = this.sync ? this.sync.partialDecryptVector(share, msg.ciphertexts) : this.backend.partialDecryptVector(share, msg.ciphertexts);
    return after(partials, (ps) => {
      const reply: PartialDecryptionMsg = {
        type: MessageType.PartialDecryption, round: this.cfg.round, iteration: msg.iteration, holder: this.holderIndex,
        values: ps.map((p) => p.value),
      };
      entry.reply = reply;
      const to = [from, ...entry.waiting.splice(0)];
      for (const p of to) if (p !== this.self) this.link.send(p, reply);
      if (to.includes(this.self)) return this.onPartial(this.self, reply);
    });
  }

  /** Sends this holder's partials to `to`, or hands them to its own pending request. */
  private sendPartials(to: PeerId, reply: PartialDecryptionMsg): Step {
    if (to === this.self) return this.onPartial(this.self, reply);
    this.link.send(to, reply);
  }

  private onPartial(from: PeerId, msg: PartialDecryptionMsg): Step {
    const req = this.request;
    if (!req || req.iteration !== msg.iteration || req.done) return this.drop(from, 'unexpected', `partial for iteration ${msg.iteration}`);
    if (this.cfg.holderIds[msg.holder - 1] !== from) return this.drop(from, 'unexpected', `holder ${msg.holder} is not ${from}`);
    if (req.partials.has(msg.holder)) return this.drop(from, 'duplicate', `partial of holder ${msg.holder}`);
    req.partials.set(msg.holder, msg.values);
    if (req.partials.size < this.cfg.threshold) return;
    req.done = true;
    const pk = this.cfg.publicKey;
    const chosen = [...req.partials.entries()].slice(0, this.cfg.threshold);
    const partials = chosen.map(([index, values]) => values.map((value) => ({ index, value })));
    const plaintexts = this.sync ? this.sync.combineVector(pk, partials) : this.backend.combineVector(pk, partials);
    return after(plaintexts, (pt) => this.release(msg.iteration, req.exponent, req.census, pt));
  }

  private release(iteration: number, exponent: number, census: Census, plaintexts: bigint[]): Step {
    const { k, T } = this.cfg;
    const slots = unpack(this.layout, plaintexts, this.slots);
    const weight = Number(slots[k * T + k]!);
    if (!(weight > 0)) throw new RangeError(`release: aggregate weight ${weight} is not positive`);
    // Numerators and the weight share the factor 2^(f+e)·mass: their ratio is the per-participant
    // mean, and times the number of contributors the total (N without a census).
    const N = this.cfg.census ? censusCount(census) : this.cfg.participants;
    const alive = this.centroids.length;
    const noisySums: Float64Array[] = [];
    const noisyCounts: number[] = [];
    for (let j = 0; j < alive; j++) {
      const s = new Float64Array(T);
      for (let t = 0; t < T; t++) s[t] = (Number(slots[j * T + t]!) / weight) * N;
      noisySums.push(s);
      noisyCounts.push((Number(slots[k * T + j]!) / weight) * N);
    }
    let priorInertia: number | null = null;
    if (this.cfg.inertiaFraction > 0) {
      // Post-processing of released values only: the estimate costs no budget beyond its own share.
      const population = noisyCounts.reduce((a, b) => a + b, 0);
      const total = (Number(slots[inertiaSlot(this.cfg)]!) / weight) * N;
      priorInertia = population > 0 ? Math.max(0, total / population) : null;
    }
    const minCount = this.cfg.noise
      ? suggestedMinCount(iterationNoise(this.cfg, iteration).shareBCounts, this.cfg.ejectionFalseKeep)
      : 0.5;
    const { centroids, kept } = ejectCentroids(noisySums, noisyCounts, minCount);
    // All ejected: nothing is left to iterate on. The round ends with reason all-centroids-ejected and
    // re-publishes the previous centroids unchanged (ℓ − 1's result; the public initial ones for ℓ = 1),
    // so every participant learns the end; callers must show the reason, not present them as a result.
    const allEjected = centroids.length === 0;
    const post = allEjected
      ? this.centroids.map((c) => Float64Array.from(c))
      : centroids.map((c) => {
        const sm = this.cfg.smoothing > 1 ? Array.from(movingAverage(c, this.cfg.smoothing)) : c;
        return Float64Array.from(sm, (v) => Math.min(this.cfg.hi, Math.max(this.cfg.lo, v)));
      });
    let epsilonSpent = 0;
    for (let l = 0; l < iteration; l++) epsilonSpent += this.cfg.budgets[l]!;
    const stop = shouldStop({
      iteration, maxIterations: this.cfg.iterations, budgetRemaining: this.cfg.epsilon - epsilonSpent,
      shift: allEjected ? undefined : maxCentroidShift(this.centroids, post, kept), tolerance: this.cfg.stabilityTolerance,
      minEpsilon: 0, alive: centroids.length,
    });
    this.onEvent({ type: 'released', release: { iteration, noisySums, noisyCounts, kept, contributors: N, aggregator: this.holderIndex, exponent, stopReason: stop, minCount, ...(priorInertia !== null ? { priorInertia } : {}) } });
    const out: CentroidsMsg = {
      type: MessageType.Centroids, round: this.cfg.round, iteration, final: stop !== null, epsilonSpent, centroids: post,
      ...(stop ? { stopReason: stop } : {}),
      ...(priorInertia !== null ? { priorInertia } : {}),
    };
    return this.adoptCentroids(this.self, out);
  }

  private cancelTimers(): void {
    for (const c of this.timers) c();
    this.timers = [];
  }
}
