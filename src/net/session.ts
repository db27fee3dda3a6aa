/**
 * Round sessions: the small API the UI and the swarm page use.
 *
 * ```ts
 * const s = await createRound({ net, crypto, data, round: { k: 8, T: 24, … } }); // creator (hub)
 * share(s.link);                                    // …/#join=<round>.<secret>  (fragment: never sent to a server)
 * const j = await joinRound(link, { net, crypto, data });                        // joiner
 * s.onEvent((e) => …);                               // lobby / phase / progress / result / error
 * await s.start();                                   // creator: deal keys, start the round
 * s.leave();
 * ```
 * The creator's tab is the round's hub until it starts: joiners link to it first and present the
 * join secret over the DTLS link (a wrong id or secret is refused with a reason); it keeps the lobby,
 * deals the threshold key (in a worker, through the injected `crypto.dealKey`) and hands every member
 * the public round parameters (and each key holder its share, over that holder's own link). Once the
 * round runs, the creator is an ordinary participant: the gossip runs over a bounded Cyclon overlay
 * (src/net/overlay.ts), the lobby links nobody wants go idle (a few stay open, the rest are
 * released), new links are signalled through the peer that introduced them
 * (src/net/relay-signalling.ts) or the server, and a frame for a member without a link opens one on
 * demand. The creator is still where a reloaded tab asks to rejoin.
 * @module
 */
import { realClock, type Clock } from '../core/clock';
import { initialCentroids } from '../core/initial-centroids';
import { randomHex, secureRng, seededRng, type Rng } from '../core/rng';
import type { PeerId } from '../core/transport';
import type { KeyShare, ThresholdPublicKey } from '../crypto/types';
import type { CryptoBackend } from '../protocol/crypto-backend';
import { plainPpkmCrypto, type PpkmCrypto } from '../protocol/ppkm/crypto';
import type { PpkmParams } from '../protocol/ppkm/params';
import { codecLink } from '../protocol/chiaroscuro/link';
import { MessageType } from '../protocol/chiaroscuro/messages';
import { Participant, type ParticipantEvent } from '../protocol/chiaroscuro/participant';
import { defaultThreshold, makeRoundConfig, type RoundParams } from '../protocol/chiaroscuro/round';
import type { ReadonlySeries } from '../core/series';
import type { StopReason } from '../core/termination';
import { Channel } from './codec';
import { decodeControl, encodeControl, isOverlayMessage, paramsFromWire, publicKeyToWire, roundInfoFromWire, type ControlMessage, type RoundInfo, type RoundStatus, type WireRoundParams } from './control';
import { ppkmGraph, startPpkmTab, type PpkmTab } from './ppkm-tab';
import { createMesh, type Mesh, type MeshStats } from './mesh';
import { createLobbyLinker } from './lobby-links';
import { createOverlay, viewSizeFor, type Overlay } from './overlay';
import { createOverlayDriver, NO_OVERLAY_STATS, type OverlayDriver, type OverlayStats } from './overlay-driver';
import { relaySignalling, type RelaySignalling, type RelayStats } from './relay-signalling';
import { yieldingBackend, yieldToMain } from './scheduler';
import { createConnector, type Connector, type PeerConnectionFactory } from './rtc';
import type { CallPacerStats } from './call-pacer';
import { isValidPeerId, peerjsSignalling, type PeerjsServerConfig, type Signalling } from './signalling';
import { createWebRtcTransport, type WebRtcTransport } from './transport';

/** How a tab reaches others. */
export interface NetOptions {
  /** PeerJS server, or a factory of any signalling strategy for an id (e.g. BroadcastChannel). */
  signalling: PeerjsServerConfig | ((self: PeerId) => Signalling);
  iceServers?: RTCIceServer[];
  factory?: PeerConnectionFactory;
  /** Overlay degree D (default 6). */
  degree?: number;
  /** Link attempt timeout (default 20 s). */
  connectTimeoutMs?: number;
  /** Period of the Cyclon view shuffles during a round (default 10 s; 0 = never). */
  shufflePeriodMs?: number;
  /** How long a link neither end wants, beyond the `idleLinks` kept, stays open before it is closed (default 5 s). */
  releaseGraceMs?: number;
  /** Links neither end wants that stay open anyway, the most recently idle (default: the degree; see ./overlay). */
  idleLinks?: number;
  /**
   * Joiners link to a few random members while in the lobby (default true; see ./lobby-links), so
   * the round's overlay is mostly up when it starts. False: every overlay link is dialled at 'start'.
   */
  lobbyLinks?: boolean;
}

/** The crypto a session needs; tabs back it with the worker pool. */
export interface SessionCrypto {
  /** The async backend for a round's public key (keyBits 0 → the plain backend over the plain key). */
  backendFor(publicKey: ThresholdPublicKey, keyBits: number): CryptoBackend;
  /** Creator only: deals the threshold key (keyBits 0 → a plain key). Must erase the secret after. */
  dealKey?(keyBits: number, holders: number, threshold: number): Promise<{ publicKey: ThresholdPublicKey; shares: KeyShare[] }>;
  /** PPkM rounds: Paillier for `keyBits` (e.g. the worker pool's); keyBits 0 uses the plain scheme without it. */
  ppkmCrypto?(keyBits: number): PpkmCrypto;
}

export type { RoundInfo } from './control';

/** Round parameters chosen by the creator (the key, holders and N are filled in at start). */
export type RoundChoice = Omit<RoundParams, 'round' | 'holderIds' | 'publicKey' | 'participants'> & {
  /** Key holders (n_keys, default 10, capped by the member count). */
  holders?: number;
  /** Starts automatically once this many members (creator included) are present. */
  autoStartAt?: number;
  /** Protocol of the round (default Chiaroscuro). PPkM: exact, no DP; each tab links to its graph neighbours only. */
  protocol?: 'chiaroscuro' | 'ppkm';
  /** Dataset kind announced to joiners (e.g. `lcl`); default `unspecified`. */
  dataset?: string;
  /** PPkM: graph degree (default: the overlay degree, 6). */
  ppkmDegree?: number;
};

/** Common options of {@link createRound} and {@link joinRound}. */
export interface SessionOptions {
  net: NetOptions;
  crypto: SessionCrypto;
  /** This participant's private series (never leave the tab in the clear). */
  data: readonly ReadonlySeries[];
  clock?: Clock;
  rng?: Rng;
  /** A previous id to reuse (a reloaded tab rejoining). */
  id?: PeerId;
  /**
   * Where a joiner keeps what it needs to rejoin after a reload: its id and, for a key holder, its
   * key share (the dealer erased its copy, so without this a reloaded holder is lost to the round).
   * Tabs use sessionStorage (this tab only, gone with it); omit it to keep nothing.
   */
  rejoinStore?: RejoinStore;
}

/** What a tab keeps to rejoin its round after a reload. */
export interface RejoinState {
  round: string;
  id: PeerId;
  /** A key holder's share (index, decimal secret). */
  share?: { index: number; secret: string };
  /** Iterations this key holder already helped decrypt (it must not decrypt one twice). */
  answered?: number[];
  /** The round's public start parameters and members: enough to rejoin through the members if the creator is gone. */
  start?: { params: WireRoundParams; members: PeerId[] };
  /** The round's public parameters as the creator announced them. */
  info?: RoundInfo;
}

/** Storage of a {@link RejoinState} (e.g. sessionStorage). */
export interface RejoinStore {
  load(round: string): RejoinState | null;
  save(state: RejoinState): void;
}

/** One released result of a round (iteration 0 = the public initial centroids). */
export interface RoundResult {
  iteration: number;
  final: boolean;
  centroids: number[][];
  epsilonSpent: number;
  /** Why the round stopped (final results). */
  stopReason?: StopReason;
  /** Private estimate of the inertia of the previous iteration's centroids (rounds with `inertiaFraction` > 0). */
  priorInertia?: number;
}

/** A running participant's progress and its drops by reason (for diagnosing a stalled round). */
export type ParticipantProgress = Participant['progress'] & { drops: Participant['drops'] };

/** What a session reports. */
export type SessionEvent =
  | { type: 'lobby'; members: PeerId[]; holders: PeerId[]; status: RoundStatus }
  | { type: 'phase'; phase: 'connecting' | 'lobby' | 'dealing' | 'linking' | 'running' | 'finished' | 'refused'; detail?: string }
  | { type: 'iteration'; iteration: number; iterations: number }
  | ({ type: 'result' } & RoundResult)
  | { type: 'peers'; peers: number }
  | { type: 'params'; params: RoundInfo }
  | { type: 'error'; error: string };

/** A live round membership. */
export interface RoundSession {
  readonly self: PeerId;
  readonly round: string;
  /** The join link (creator) — `<base>#join=<round>.<secret>`; empty for joiners. */
  readonly link: string;
  readonly isCreator: boolean;
  /** The round's public parameters from the creator (set before `joinRound` resolves; null from an older creator). */
  readonly params: RoundInfo | null;
  /** Members known from the lobby (creator included). */
  members(): readonly PeerId[];
  /**
   * Whether this member's lobby links are up (./lobby-links): a round started now dials (almost)
   * nothing. Always true for the creator, and for a joiner once the round started.
   */
  lobbyLinked(): boolean;
  onEvent(fn: (e: SessionEvent) => void): () => void;
  /** Creator: deals the key and starts the round with the current members. */
  start(): Promise<void>;
  /** Traffic totals of this tab, with its overlay upkeep (shuffles, released links, relayed signals). */
  /** `calls`: the tab's paced WebRTC calls and the slowest (see ./call-pacer). */
  stats(): MeshStats & { cryptoMs: number; peers: number; overlay?: OverlayStats & RelayStats; calls?: CallPacerStats; protocol?: ParticipantProgress };
  /** Latest public centroids (iteration 0 = initial). */
  readonly result: RoundResult | null;
  leave(): void;
}

/** Parses a join link (or its fragment). Throws RangeError with a precise message. */
export function parseJoinLink(link: string): { round: string; secret: string } {
  if (typeof link !== 'string') throw new TypeError('join link must be a string');
  const hash = link.includes('#') ? link.slice(link.indexOf('#') + 1) : link;
  const m = /(?:^|&)join=([A-Za-z0-9]{4,32})\.([0-9a-f]{32})(?:&|$)/.exec(hash);
  if (!m) throw new RangeError('join link: expected #join=<round id>.<32 hex secret>');
  return { round: m[1]!, secret: m[2]! };
}

const HUB = (round: string): PeerId => `cs-${round}-hub`;
/** A joiner repeats its hello this often until the creator answers (see joinRound). */
export const HELLO_RETRY_MS = 4000;
/** A lobby update reaches every joiner at once: each waits up to this long before its first lobby dial. */
const LOBBY_DIAL_SPREAD_MS = 1000;
/**
 * A joiner sets up its participant, and so dials its overlay links, within this many ms of receiving
 * 'start' (uniformly spread). 12 tabs on 2 cores: 150 ms gave a median worst task of 75 ms over the
 * round, 600 ms gave 61 ms with the same round time (the set-up and dials are most of the round's
 * first second).
 */
export const START_SPREAD_MS = 600;
const b36 = (rng: Rng, n: number): string => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[rng.nextUint32() % 36]).join('');

function sameSecret(a: string, b: string): boolean {
  // Constant-time over the expected length: the comparison does not leak a prefix match.
  let d = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) d |= (a.charCodeAt(i) | 0) ^ b.charCodeAt(i);
  return d === 0;
}

interface Core {
  self: PeerId; round: string; hub: PeerId; mesh: Mesh; signalling: RelaySignalling; clock: Clock; rng: Rng;
  connector: Connector;
  /** The running round's overlay (introducers are the relays of new links' signalling). */
  overlay: Overlay | null;
  /** Further say on incoming links, on top of the mesh's (a joiner's lobby degree cap). */
  admit: ((peer: PeerId) => boolean) | null;
  emit(e: SessionEvent): void; listeners: Set<(e: SessionEvent) => void>;
}

function openCore(self: PeerId, round: string, opts: SessionOptions): Core {
  const clock = opts.clock ?? realClock();
  const rng = opts.rng ?? secureRng();
  const sig = opts.net.signalling;
  const server: Signalling = typeof sig === 'function' ? sig(self) : peerjsSignalling(self, sig);
  const ref: { mesh?: Mesh; core?: Core } = {};
  const signalling = relaySignalling({
    fallback: server,
    host: { has: (p) => ref.mesh!.has(p), send: (p, m) => ref.mesh!.send(p, Channel.Control, encodeControl(m)) },
    relayFor: (p) => ref.core?.overlay?.introducer(p),
  });
  const connector = createConnector({
    signalling, factory: opts.net.factory, iceServers: opts.net.iceServers, timeoutMs: opts.net.connectTimeoutMs ?? 20_000,
    accept: (p) => ref.mesh!.accepts(p) && (ref.core?.admit?.(p) ?? true),
  });
  const mesh = ref.mesh = createMesh({ self, dialer: connector, clock, maxPending: 2, maxLinks: 5000 });
  const listeners = new Set<(e: SessionEvent) => void>();
  return ref.core = {
    self, round, hub: HUB(round), mesh, signalling, connector, clock, rng, listeners, overlay: null, admit: null,
    emit: (e) => { for (const l of [...listeners]) { try { l(e); } catch { /* a listener bug is not ours */ } } },
  };
}

/** State shared by creator and joiner once the round parameters are known. */
interface Running {
  participant: Participant;
  backend: CryptoBackend;
  /** Settles once the planned overlay links were attempted. */
  ready: Promise<void>;
  overlay: Overlay;
  driver: OverlayDriver;
  transport: WebRtcTransport;
  /** Sends this tab's latest public centroids to `peer` (a rejoining member catches up). */
  sendLatest(peer: PeerId): void;
  stop(): void;
}

/** What {@link runParticipant} needs beyond the round parameters. */
interface ParticipantSetup {
  share: KeyShare | undefined;
  members: PeerId[];
  /** Links kept open until the round runs (the lobby's). */
  pins: readonly PeerId[];
  /** Iterations a reloaded key holder already answered. */
  answered?: readonly number[];
  onResult(r: RoundResult): void;
  onAnswered?(iteration: number): void;
}

/** Ends the current main-thread task; rejects if the set-up is no longer wanted (the tab left). */
async function nextStep(live: () => boolean): Promise<void> {
  await yieldToMain();
  if (!live()) throw new Error('the participant\'s set-up was abandoned: this tab left the round');
}

/**
 * Sets up this tab's participant in three main-thread tasks: the round's configuration, the
 * protocol, then the overlay. On cold code (a tab's first round) the whole set-up took 8 ms of CPU
 * in one task, and on a device running many tabs, whose set-ups come within the same second, a task
 * that size waited up to 80 ms for a core. The overlay comes last, in the task whose result the
 * caller publishes as `running`: it is seeded from the links up at that moment, and every later
 * link change reaches it through the mesh's events (a link that came up between two steps would be
 * missed). Rejects (nothing left running) if `live()` turns false between the steps.
 */
async function runParticipant(core: Core, opts: SessionOptions, params: RoundParams, setup: ParticipantSetup, live: () => boolean): Promise<Running> {
  const { share, members, pins, onResult } = setup;
  const config = makeRoundConfig(params);
  const memberIndex = members.indexOf(core.self);
  if (memberIndex < 0) throw new Error(`this tab (${core.self}) is not among the round's members`);
  // Every crypto call starts in its own macrotask (keeps the main thread's tasks short).
  const backend = yieldingBackend(opts.crypto.backendFor(config.publicKey, config.keyBits));
  await nextStep(live);
  // Set in the last step; the protocol reads its neighbours only once frames flow, after that.
  let overlay: Overlay | null = null;
  let driver: OverlayDriver | null = null;
  const transport = createWebRtcTransport({ mesh: core.mesh, neighbours: () => overlay?.neighbours() ?? [] });
  const link = codecLink(transport, backend.ciphertextBytes);
  const participant = new Participant({
    config, link, clock: core.clock, backend, rng: core.rng, data: opts.data, memberIndex,
    keyShare: share, answered: setup.answered,
    // A zero pause is a macrotask hop (no setTimeout clamp after a few nested hops).
    pause: (ms) => (ms > 0 ? new Promise<void>((resolve) => { setTimeout(resolve, ms); }) : yieldToMain()),
    onEvent: (e: ParticipantEvent) => {
      if (e.type === 'iteration-started') core.emit({ type: 'iteration', iteration: e.iteration, iterations: config.iterations });
      else if (e.type === 'centroids') {
        const final = e.msg.final || e.msg.iteration >= config.iterations;
        const stopReason: StopReason | undefined = e.msg.stopReason ?? (final ? 'max-iterations' : undefined);
        const r = {
          iteration: e.msg.iteration, final, centroids: e.msg.centroids.map((c) => Array.from(c)), epsilonSpent: e.msg.epsilonSpent,
          ...(stopReason ? { stopReason } : {}), ...(e.msg.priorInertia !== undefined ? { priorInertia: e.msg.priorInertia } : {}),
        };
        onResult(r);
        core.emit({ type: 'result', ...r });
        if (r.final) { driver?.stopShuffling(); core.emit({ type: 'phase', phase: 'finished' }); }
      } else if (e.type === 'answered') setup.onAnswered?.(e.iteration);
      else if (e.type === 'error') core.emit({ type: 'error', error: e.error instanceof Error ? e.error.message : String(e.error) });
    },
  });
  try { await nextStep(live); } catch (e) { participant.stop(); transport.close(); throw e; }
  const degree = opts.net.degree ?? 6;
  const view = overlay = createOverlay({ self: core.self, degree, idleLinks: opts.net.idleLinks ?? degree, rng: core.rng });
  // The links to the creator stay until the round runs; then only wanted links stay. Links and pins
  // go in before the members: the view is seeded from the unpinned links first (the lobby's).
  for (const p of pins) view.pin(p, true);
  for (const p of core.mesh.peers()) view.linkUp(p);
  view.setMembers(members, config.holderIds);
  core.overlay = view;
  const upkeep = driver = createOverlayDriver({
    overlay: view, clock: core.clock, shufflePeriodMs: opts.net.shufflePeriodMs, releaseGraceMs: opts.net.releaseGraceMs, random: () => core.rng.nextFloat(),
    shuffleTimeoutMs: (opts.net.connectTimeoutMs ?? 20_000) + 5_000,
    host: {
      has: (p) => core.mesh.has(p), connect: (p) => core.mesh.connect(p), disconnect: (p) => core.mesh.disconnect(p),
      send: (p, m) => core.mesh.send(p, Channel.Control, encodeControl(m)),
    },
  });
  transport.onFrame((from, frame) => participant.handle(from, frame));
  const ready = upkeep.sync();
  const sendLatest = (peer: PeerId): void => {
    link.send(peer, {
      type: MessageType.Centroids, round: config.round, iteration: participant.centroidsIteration,
      final: participant.done, epsilonSpent: participant.epsilonSpent, centroids: participant.centroids.map((c) => Float64Array.from(c)),
    });
  };
  return { participant, backend, ready, overlay: view, driver: upkeep, transport, sendLatest, stop: () => { participant.stop(); transport.close(); upkeep.stop(); } };
}

interface SessionGetters {
  members(): PeerId[]; result(): RoundSession['result']; running(): Running | null; params(): RoundInfo | null; ppkm(): PpkmRun | null;
  lobbyLinked(): boolean;
}

function sessionApi(core: Core, link: string, isCreator: boolean, get: SessionGetters, start: () => Promise<void>, leave: () => void): RoundSession {
  return {
    self: core.self, round: core.round, link, isCreator,
    get params() { return get.params(); },
    members: () => get.members(),
    lobbyLinked: () => get.lobbyLinked(),
    onEvent(fn) { core.listeners.add(fn); return () => core.listeners.delete(fn); },
    start,
    stats: () => {
      const m = core.mesh.stats();
      const pk = get.ppkm();
      const ps = pk?.stats();
      const run = get.running();
      // PPkM traffic runs over the tab's own neighbour mesh: count both.
      const upkeep = run?.driver.stats() ?? NO_OVERLAY_STATS;
      return {
        ...m, bytesSent: m.bytesSent + (ps?.bytesSent ?? 0), bytesReceived: m.bytesReceived + (ps?.bytesReceived ?? 0),
        cryptoMs: run?.backend.elapsedMs() ?? pk?.cryptoMs() ?? 0, peers: ps ? ps.peers : core.mesh.peers().length,
        overlay: { ...upkeep, ...core.signalling.stats() },
        calls: core.connector.callStats(),
        ...(run ? { protocol: { ...run.participant.progress, drops: { ...run.participant.drops } } } : {}),
      };
    },
    get result() { return get.result(); },
    leave,
  };
}

/** A tab's PPkM participation inside a session. */
interface PpkmRun {
  /** Settles once every neighbour link is open (rejects naming the missing ones). */
  ready: Promise<void>;
  /** Starts the node (after the hub's go; before ready it starts once ready). */
  go(): void;
  stats(): { bytesSent: number; bytesReceived: number; peers: number } | undefined;
  cryptoMs(): number;
  stop(): void;
}

/** The PPkM id of a member (a second signalling registration: the session's id stays the hub link's). */
const ppkmId = (member: PeerId): PeerId => `${member}-p`;

/** Times every async crypto call (the lobby's "crypto time"). */
function timedPpkm(inner: PpkmCrypto): { crypto: PpkmCrypto; ms(): number } {
  let ms = 0;
  const timed = async <T>(op: () => Promise<T>): Promise<T> => { const t = performance.now(); try { return await op(); } finally { ms += performance.now() - t; } };
  return {
    ms: () => ms,
    crypto: {
      name: inner.name, keyBits: inner.keyBits,
      publicKey: (n) => inner.publicKey(n), ciphertextBytes: (pk) => inner.ciphertextBytes(pk), isValidCiphertext: (pk, c) => inner.isValidCiphertext(pk, c),
      add: (pk, a, b) => inner.add(pk, a, b),
      generateKeyPair: () => timed(() => inner.generateKeyPair()),
      encrypt: (pk, m) => timed(() => inner.encrypt(pk, m)),
      decrypt: (sk, c) => timed(() => inner.decrypt(sk, c)),
      mulConst: (pk, c, k) => timed(() => inner.mulConst(pk, c, k)),
    },
  };
}

function runPpkm(core: Core, opts: SessionOptions, params: PpkmParams, round: number, neighbours: PeerId[], onResult: (r: RoundResult) => void): PpkmRun {
  const inner = params.keyBits === 0 ? plainPpkmCrypto() : opts.crypto.ppkmCrypto?.(params.keyBits);
  if (!inner) throw new Error(`ppkm: this tab has no crypto for ${params.keyBits}-bit keys (SessionCrypto.ppkmCrypto)`);
  const { crypto, ms } = timedPpkm(inner);
  let tab: PpkmTab | null = null;
  let stopped = false, wantGo = false, watch: ReturnType<typeof setInterval> | undefined;
  const records = opts.data.slice(0, params.maxRecords);
  const ready = startPpkmTab({
    self: ppkmId(core.self), neighbours, signalling: opts.net.signalling, iceServers: opts.net.iceServers, factory: opts.net.factory,
    params, round, crypto, records, clock: core.clock,
    onIteration: (l, centroids, moved) => {
      const final = moved <= params.epsStop || l >= params.maxIterations;
      core.emit({ type: 'iteration', iteration: l, iterations: params.maxIterations });
      const stopReason: StopReason | undefined = !final ? undefined : moved <= params.epsStop ? 'converged' : 'max-iterations';
      const r = { iteration: l, final, centroids: centroids.map((c) => c.slice()), epsilonSpent: 0, ...(stopReason ? { stopReason } : {}) };
      onResult(r);
      core.emit({ type: 'result', ...r });
      if (final) { core.emit({ type: 'phase', phase: 'finished' }); if (watch) clearInterval(watch); }
    },
  }).then((t) => {
    if (stopped) { t.close(); return; }
    tab = t;
    if (wantGo) go();
  });
  const go = (): void => {
    wantGo = true;
    if (!tab || stopped || watch) return;
    core.emit({ type: 'phase', phase: 'running' });
    tab.start();
    // The node reports failures through its state only: surface them once.
    watch = setInterval(() => {
      const e = tab?.node.error;
      if (e !== undefined) { clearInterval(watch); core.emit({ type: 'error', error: `ppkm: ${e instanceof Error ? e.message : String(e)}` }); }
    }, 500);
  };
  return {
    ready, go,
    stats: () => tab?.stats(),
    cryptoMs: ms,
    stop() { stopped = true; if (watch) clearInterval(watch); tab?.close(); },
  };
}

function wireMesh(core: Core, running: () => Running | null, onControl: (from: PeerId, m: ControlMessage) => void): void {
  core.mesh.onMessage((from, ch, payload) => {
    if (ch === Channel.Protocol) { running()?.transport.receive(from, payload); return; }
    const m = decodeControl(payload);
    if (!m) return;
    // Overlay upkeep comes from any linked member; the rest is the round's rendezvous.
    if (m.t === 'sig' || m.t === 'sig-fail') core.signalling.receive(from, m);
    else if (isOverlayMessage(m)) running()?.driver.handle(from, m);
    else onControl(from, m);
  });
  core.mesh.onPeer((peer, up) => {
    const r = running();
    if (r) {
      if (up) {
        r.driver.linkUp(peer);
        // Anti-entropy: a new neighbour learns our latest public centroids at once, so a result
        // flooded while links were changing (or while it reloaded) still reaches everyone.
        if (r.participant.centroidsIteration > 0) r.sendLatest(peer);
      } else r.driver.linkDown(peer);
    }
    core.emit({ type: 'peers', peers: core.mesh.peers().length });
  });
}

/** Creates a round; the returned session is its hub. `baseUrl` is the page the join link opens. */
export async function createRound(opts: SessionOptions & { round: RoundChoice; baseUrl: string }): Promise<RoundSession> {
  const rng = opts.rng ?? secureRng();
  const roundId = b36(rng, 10);
  const secret = randomHex(rng, 16);
  const core = openCore(HUB(roundId), roundId, { ...opts, rng });
  await core.signalling.ready();
  const link = `${opts.baseUrl.split('#')[0]}#join=${roundId}.${secret}`;
  const members: PeerId[] = [core.self];
  let holders: PeerId[] = [];
  let status: RoundStatus = 'lobby';
  let running: Running | null = null;
  let result: RoundSession['result'] = null;
  let left = false;
  const readyFrom = new Set<PeerId>();
  let startFor: ((p: PeerId) => Uint8Array) | null = null;
  let goResolve: () => void = () => {};
  let ppkm: PpkmRun | null = null;
  const choice = opts.round;
  const protocol = choice.protocol ?? 'chiaroscuro';
  if (protocol !== 'chiaroscuro' && protocol !== 'ppkm') throw new RangeError(`createRound: protocol must be 'chiaroscuro' or 'ppkm', got ${String(protocol)}`);
  // The public parameters every admitted member receives (joiners show and record these, not the link's hints).
  const info: RoundInfo = {
    protocol, dataset: choice.dataset ?? 'unspecified', k: choice.k, T: choice.T, L: choice.L, lo: choice.lo, hi: choice.hi,
    iterations: choice.iterations, epsilon: choice.epsilon, strategy: choice.strategy, smoothing: choice.smoothing,
    keyBits: choice.keyBits, population: choice.population ?? 1,
  };
  if (!roundInfoFromWire(info)) { core.mesh.close(); core.signalling.close(); throw new RangeError(`createRound: invalid round parameters ${JSON.stringify(info)}`); }

  const lobby = (): void => {
    const m: ControlMessage = { t: 'lobby', members, holders, status };
    for (const p of members) if (p !== core.self) core.mesh.send(p, Channel.Control, encodeControl(m));
    core.emit({ type: 'lobby', members: [...members], holders: [...holders], status });
  };

  /** Waits until every member reported its links ready (or 30 s), then tells everyone to go. */
  const goWhenReady = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      goResolve = resolve;
      if (readyFrom.size >= members.length - 1) resolve();
      core.clock.setTimer(30_000, resolve);
    });
    lobby();
    for (const p of members) if (p !== core.self) core.mesh.send(p, Channel.Control, encodeControl({ t: 'go' }));
  };

  /** PPkM: hands every member its neighbours in a fresh graph and the public parameters, waits for the links, goes. */
  const startPpkm = async (): Promise<void> => {
    const n = members.length;
    if (n < 2) { status = 'lobby'; throw new Error('a PPkM round needs at least 2 members'); }
    core.emit({ type: 'phase', phase: 'linking' });
    lobby();
    const graph = ppkmGraph(n, choice.ppkmDegree ?? opts.net.degree ?? 6, core.rng);
    const params: PpkmParams = {
      variant: 'packed', k: choice.k, d: choice.T,
      lo: Array<number>(choice.T).fill(choice.lo), hi: Array<number>(choice.T).fill(choice.hi),
      fractionBits: 16, maxRecords: choice.L, maxNeighbours: Math.max(...graph.map((a) => a.length)),
      kappa: 40, lambdaBits: 64, keyBits: choice.keyBits, epsStop: 1e-4 * (choice.hi - choice.lo), maxIterations: choice.iterations,
      // Public, data-independent initial centroids (as Chiaroscuro rounds).
      initialCentroids: initialCentroids({ k: choice.k, T: choice.T, lo: choice.lo, hi: choice.hi, rng: seededRng(choice.initSeed ?? 1) }),
    };
    const ppkmRound = core.rng.nextUint32() >>> 1;
    const neighboursOf = (i: number): PeerId[] => graph[i]!.map((j) => ppkmId(members[j]!));
    members.forEach((p, i) => {
      if (p !== core.self) core.mesh.send(p, Channel.Control, encodeControl({ t: 'ppkm', params, round: ppkmRound, neighbours: neighboursOf(i) }));
    });
    status = 'running';
    ppkm = runPpkm(core, opts, params, ppkmRound, neighboursOf(members.indexOf(core.self)), (r) => { result = r; if (r.final) status = 'finished'; });
    await ppkm.ready;
    await goWhenReady();
    ppkm.go();
  };

  const start = async (): Promise<void> => {
    if (status !== 'lobby') throw new Error(`round ${roundId} already ${status}`);
    if (protocol === 'ppkm') { status = 'dealing'; return startPpkm(); }
    if (!opts.crypto.dealKey) throw new Error('createRound: crypto.dealKey is required to start');
    status = 'dealing';
    core.emit({ type: 'phase', phase: 'dealing' });
    lobby();
    const n = members.length;
    const h = Math.min(choice.holders ?? 10, n);
    const t = Math.min(choice.threshold ?? defaultThreshold(h), h);
    holders = members.slice(0, h);
    const key = await opts.crypto.dealKey(choice.keyBits, h, t);
    const { holders: _h, autoStartAt: _a, protocol: _p, dataset: _d, ppkmDegree: _g, ...rest } = choice;
    const params: RoundParams = { ...rest, round: roundId, holderIds: holders, threshold: t, publicKey: key.publicKey, participants: n };
    makeRoundConfig(params); // validate before sending anything
    const wire = { ...params, publicKey: publicKeyToWire(key.publicKey) };
    for (const p of members) {
      if (p === core.self) continue;
      const i = holders.indexOf(p);
      const share = i >= 0 ? { index: i + 1, secret: key.shares[i]!.secret.toString() } : null;
      core.mesh.send(p, Channel.Control, encodeControl({ t: 'start', params: wire, members, share }));
    }
    // A reloaded member gets the public parameters again (never a share: the dealer erased them).
    startFor = () => encodeControl({ t: 'start', params: wire, members, share: null });
    const myShare = key.shares[holders.indexOf(core.self)];
    key.shares.length = 0; // the dealer keeps only its own share
    status = 'running';
    core.emit({ type: 'phase', phase: 'linking' });
    running = await runParticipant(core, opts, params, { share: myShare, members, pins: members, onResult: (r) => { result = r; if (r.final) status = 'finished'; } }, () => !left);
    await running.ready;
    await goWhenReady();
    // The lobby is over: the creator keeps only the links its overlay (or the other end) wants.
    // Three tasks, not one: each step sends to every member (the creator's burst of the round).
    for (const p of members) running.overlay.pin(p, false);
    await yieldToMain();
    running.driver.startShuffling();
    void running.driver.sync();
    await yieldToMain();
    if (running.participant.done) return; // the creator left meanwhile
    core.emit({ type: 'phase', phase: 'running' });
    running.participant.start();
  };

  wireMesh(core, () => running, (from, m) => {
    if (m.t === 'hello') {
      if (m.round !== roundId || !sameSecret(m.secret, secret)) {
        core.mesh.send(from, Channel.Control, encodeControl({ t: 'refuse', reason: m.round !== roundId ? `unknown round ${m.round}` : 'wrong join secret' }));
        core.clock.setTimer(2000, () => core.mesh.disconnect(from));
        return;
      }
      if (status !== 'lobby' && !members.includes(from)) {
        core.mesh.send(from, Channel.Control, encodeControl({ t: 'refuse', reason: `round ${roundId} is already ${status}` }));
        return;
      }
      if (!members.includes(from)) members.push(from);
      // The public parameters first: on the same ordered link they arrive before the lobby that admits the joiner.
      core.mesh.send(from, Channel.Control, encodeControl({ t: 'params', info }));
      lobby();
      if (startFor) core.mesh.send(from, Channel.Control, startFor(from));
      // A member back from a reload: the latest public centroids let it start the next iteration
      // (or learn the final result) without waiting for the next flood. Sent after 'start' on the
      // same ordered link, so its participant exists when the frame arrives.
      if (running && result) running.sendLatest(from);
      if (status === 'lobby' && choice.autoStartAt && members.length >= choice.autoStartAt) void start().catch((e: unknown) => core.emit({ type: 'error', error: String(e) }));
      return;
    }
    if (m.t === 'ready') { readyFrom.add(from); if (readyFrom.size >= members.length - 1) goResolve(); return; }
    if (m.t === 'bye') { const i = members.indexOf(from); if (i > 0 && status === 'lobby') { members.splice(i, 1); lobby(); } }
  });
  core.emit({ type: 'phase', phase: 'lobby' });
  core.emit({ type: 'params', params: info });
  core.emit({ type: 'lobby', members: [...members], holders, status });
  const leave = (): void => { left = true; running?.stop(); ppkm?.stop(); core.mesh.close(); core.signalling.close(); };
  return sessionApi(core, link, true, { members: () => [...members], result: () => result, running: () => running, params: () => info, ppkm: () => ppkm, lobbyLinked: () => true }, start, leave);
}

/** Joins a round from its link; rejects with the hub's reason when refused. */
export async function joinRound(link: string, opts: SessionOptions): Promise<RoundSession> {
  const { round, secret } = parseJoinLink(link);
  const rng = opts.rng ?? secureRng();
  const kept = safeLoad(opts.rejoinStore, round);
  const self = opts.id ?? kept?.id ?? `cs-${round}-${b36(rng, 12)}`;
  // What this tab keeps to come back after a reload (saved as it learns more).
  let keep: RejoinState = kept?.id === self ? kept : { round, id: self };
  const persist = (patch: Partial<RejoinState>): void => { keep = { ...keep, ...patch }; safeSave(opts.rejoinStore, keep); };
  const rejoining = opts.id !== undefined || kept !== null;
  if (!isValidPeerId(self)) throw new RangeError(`joinRound: invalid id ${self}`);
  let core = openCore(self, round, { ...opts, rng });
  core.emit({ type: 'phase', phase: 'connecting' });
  // A reloaded tab reuses its id: the server may not have noticed the old page's socket close yet.
  for (let attempt = 1; ; attempt++) {
    try { await core.signalling.ready(); break; } catch (e) {
      core.mesh.close(); core.signalling.close();
      if (!rejoining || attempt >= 8 || !/already taken/.test(String(e))) throw e;
      await new Promise((r) => setTimeout(r, 500));
      core = openCore(self, round, { ...opts, rng });
    }
  }
  let members: PeerId[] = [];
  let running: Running | null = null;
  let ppkm: PpkmRun | null = null;
  let info: RoundInfo | null = keep.info ?? null;
  let result: RoundSession['result'] = null;
  let resolveJoin: (ok: true | string) => void = () => {};
  /** 'start' arrived and the participant's set-up is scheduled; `left`: this tab left the round. */
  let starting = false, left = false;
  const lobbyLinks = opts.net.lobbyLinks === false ? null : createLobbyLinker({
    self, hub: core.hub, target: viewSizeFor(opts.net.degree ?? 6), spreadMs: LOBBY_DIAL_SPREAD_MS,
    host: { has: (p) => core.mesh.has(p), connect: (p) => core.mesh.connect(p) }, clock: core.clock, rng: core.rng,
  });
  const unpinHub = (): void => {
    if (!running?.overlay) return;
    running.overlay.pin(core.hub, false);
    if (!running.participant.done) running.driver.startShuffling();
    void running.driver.sync();
  };
  const joined = new Promise<true | string>((r) => { resolveJoin = r; });

  /** Starts this tab's participant from the round's start parameters; false (error emitted) if they are unusable. */
  const begin = async (wireParams: WireRoundParams, startMembers: PeerId[], dealt: RejoinState['share'] | null, pins: PeerId[]): Promise<boolean> => {
    const params = paramsFromWire(wireParams);
    if (!params) { core.emit({ type: 'error', error: 'round parameters are malformed' }); return false; }
    members = startMembers;
    // A reloaded key holder gets no share from the creator (erased after dealing): it uses the one it kept.
    const wire = dealt ?? keptShare(keep, self, params.holderIds);
    const share: KeyShare | undefined = wire ? { publicKey: params.publicKey as ThresholdPublicKey, index: wire.index, secret: BigInt(wire.secret) } : undefined;
    core.emit({ type: 'phase', phase: 'linking' });
    try {
      running = await runParticipant(core, opts, params, {
        share, members, pins, answered: keep.answered,
        onResult: (r) => {
          result = r;
          unpinHub(); // a rejoining tab got its catch-up result: the creator's link is no longer needed
        },
        onAnswered: (iteration) => persist({ answered: [...(keep.answered ?? []), iteration] }),
      }, () => !left);
      return true;
    } catch (e) {
      if (!left) core.emit({ type: 'error', error: e instanceof Error ? e.message : String(e) });
      return false;
    }
  };

  wireMesh(core, () => running, (from, m) => {
    if (from !== core.hub) return; // only the hub speaks control to members
    switch (m.t) {
      case 'refuse': resolveJoin(m.reason); core.emit({ type: 'phase', phase: 'refused', detail: m.reason }); return;
      case 'lobby':
        members = m.members;
        resolveJoin(true);
        // PPkM links its own graph (a separate mesh) once the round starts.
        if (!starting && !running && !ppkm && info?.protocol !== 'ppkm') lobbyLinks?.update(m.members);
        core.emit({ type: 'lobby', members: m.members, holders: m.holders, status: m.status });
        return;
      case 'params':
        info = m.info;
        persist({ info: m.info });
        core.emit({ type: 'params', params: m.info });
        return;
      case 'ppkm': {
        if (ppkm || running) return;
        lobbyLinks?.stop();
        core.emit({ type: 'phase', phase: 'linking' });
        try {
          ppkm = runPpkm(core, opts, m.params, m.round, m.neighbours, (r) => { result = r; });
        } catch (e) { core.emit({ type: 'error', error: e instanceof Error ? e.message : String(e) }); return; }
        void ppkm.ready.then(
          () => core.mesh.send(core.hub, Channel.Control, encodeControl({ t: 'ready' })),
          (e: unknown) => core.emit({ type: 'error', error: e instanceof Error ? e.message : String(e) }),
        );
        return;
      }
      case 'start': {
        if (running || starting) return;
        starting = true;
        lobbyLinks?.stop(); // the overlay plans the links from here
        persist({ start: { params: m.params, members: m.members }, ...(m.share ? { share: m.share } : {}) });
        // Every joiner receives 'start' at the same instant, and setting up a participant takes a few
        // ms of main-thread CPU: on a device running many tabs, starting them all in one burst makes
        // each set-up wait for the others'. The round waits for every 'ready' anyway, so a short
        // random delay costs at most START_SPREAD_MS once, and spreads the set-ups and link dials.
        core.clock.setTimer(core.rng.nextFloat() * START_SPREAD_MS, () => {
          if (left) return;
          void begin(m.params, m.members, m.share, [core.hub]).then((ok) => {
            if (ok) return running!.ready.then(() => core.mesh.send(core.hub, Channel.Control, encodeControl({ t: 'ready' })));
          });
        });
        return;
      }
      case 'go':
        if (ppkm) { ppkm.go(); return; }
        unpinHub();
        core.emit({ type: 'phase', phase: 'running' }); return;
      default: return;
    }
  });

  // A wrong or closed round: the signalling server reports the hub's id as unknown (peer-unavailable)
  // within about a second; refuse then, naming the round, rather than at the connect timeout.
  let unknownRound = false;
  const offUnavailable = core.signalling.onUnavailable?.((p) => { if (p === core.hub) unknownRound = true; });
  // A failed attempt may be glare (the hub's overlay dialling us back after a reload, the smaller id
  // wins): retry a few times unless the server said the round does not exist.
  let linked = false;
  // If the hub wins the glare, its own dial to us forms the link: keep checking for ~25 s.
  for (let attempt = 1; !linked && !unknownRound && attempt <= 10; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, Math.min(4000, 500 * attempt)));
    linked = core.mesh.has(core.hub) || await core.mesh.connect(core.hub);
  }
  offUnavailable?.();
  if (lobbyLinks) core.admit = (p) => lobbyLinks.accepts(p);
  // 'bye' reaches the creator only over a link to it (none when rejoining through the members).
  const leave = (): void => { left = true; lobbyLinks?.stop(); core.mesh.send(core.hub, Channel.Control, encodeControl({ t: 'bye' })); running?.stop(); ppkm?.stop(); core.clock.setTimer(50, () => { core.mesh.close(); core.signalling.close(); }); };
  if (!linked && keep.start && await begin(keep.start.params, keep.start.members, null, [])) {
    // The creator is gone but this tab was in the round before its reload: it rejoins through the
    // members it knew (its overlay dials them; a new neighbour sends the latest public centroids).
    running!.driver.startShuffling();
    core.emit({ type: 'phase', phase: 'running' });
  } else {
    if (!linked) {
      core.mesh.close(); core.signalling.close();
      if (unknownRound) throw new Error(`joinRound: refused: round ${round} does not exist or has ended (its creator is not on the signalling server)`);
      throw new Error(`joinRound: cannot reach the round's creator (${round}): ${core.mesh.dialError(core.hub) ?? 'no link'}; is the round still open?`);
    }
    const hello = encodeControl({ t: 'hello', round, secret });
    core.mesh.send(core.hub, Channel.Control, hello);
    // The link layer retries a message only while its link lives: if the link to the creator closes
    // before the answer, the hello or the answer is gone. Say hello again every HELLO_RETRY_MS until
    // answered, re-dialling the creator if the link is gone (it answers a repeated hello as the first).
    let answered = false;
    const helloAgain = async (): Promise<void> => {
      if (answered || left) return;
      if (core.mesh.has(core.hub) || await core.mesh.connect(core.hub)) {
        if (!answered && !left) core.mesh.send(core.hub, Channel.Control, hello);
      }
      if (!answered && !left) cancelHello = core.clock.setTimer(HELLO_RETRY_MS, () => void helloAgain());
    };
    let cancelHello = core.clock.setTimer(HELLO_RETRY_MS, () => void helloAgain());
    const answer = await Promise.race([joined, new Promise<string>((r) => core.clock.setTimer(20_000, () => r('no answer from the round creator')))]);
    answered = true;
    cancelHello();
    if (answer !== true) { core.mesh.close(); core.signalling.close(); throw new Error(`joinRound: refused: ${answer}`); }
    if (!kept) persist({});
    core.emit({ type: 'phase', phase: 'lobby' });
  }
  const lobbyLinked = (): boolean => starting || running !== null || ppkm !== null || !lobbyLinks || lobbyLinks.settled();
  return sessionApi(core, '', false, { members: () => [...members], result: () => result, running: () => running, params: () => info, ppkm: () => ppkm, lobbyLinked }, () => Promise.reject(new Error('only the creator starts the round')), leave);
}

/** The kept share, if it belongs to this id's holder slot in this round. */
function keptShare(kept: RejoinState | null, self: PeerId, holderIds: readonly PeerId[]): RejoinState['share'] {
  const share = kept?.share;
  if (!share || kept.id !== self || holderIds[share.index - 1] !== self || !/^[0-9]{1,4000}$/.test(share.secret)) return undefined;
  return share;
}

function safeLoad(store: RejoinStore | undefined, round: string): RejoinState | null {
  try { return validRejoinState(store?.load(round) ?? null, round); } catch { return null; }
}

/**
 * Validates a kept state read from storage (a boundary too): null unless it is `round`'s with a valid
 * id; malformed optional fields are dropped one by one.
 */
export function validRejoinState(x: unknown, round: string): RejoinState | null {
  if (typeof x !== 'object' || x === null) return null;
  const v = x as RejoinState;
  if (v.round !== round || !isValidPeerId(v.id)) return null;
  const out: RejoinState = { round, id: v.id };
  if (v.share && Number.isSafeInteger(v.share.index) && typeof v.share.secret === 'string') out.share = { index: v.share.index, secret: v.share.secret };
  if (Array.isArray(v.answered) && v.answered.every((i) => Number.isSafeInteger(i) && i >= 0)) out.answered = v.answered.slice(0, 10_000);
  const st = v.start;
  if (st && Array.isArray(st.members) && st.members.length <= 10_000 && st.members.every(isValidPeerId) && paramsFromWire(st.params)) out.start = { params: st.params, members: st.members };
  const info = roundInfoFromWire(v.info);
  if (info) out.info = info;
  return out;
}

function safeSave(store: RejoinStore | undefined, state: RejoinState): void {
  try { store?.save(state); } catch { /* storage full or disabled: a reload then joins afresh */ }
}
