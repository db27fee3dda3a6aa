/**
 * The light participant page of `npm run swarm` (swarm.html): no UI, one participant per tab.
 * The runner drives it through `window.swarm` (Playwright `page.evaluate`), gives it its own series,
 * and polls `window.swarm.state()`. Crypto runs in the comlink worker pool (off the main thread);
 * long tasks on the main thread are measured with a PerformanceObserver.
 * @module
 */
import { workerBackend } from '../../workers/backend';
import { createCryptoPool, type CryptoPool } from '../../workers/pool';
import { createAdmission } from '../../workers/admission';
import { dealPlainThresholdKey } from '../crypto/index';
import { plainBackend } from '../protocol/crypto-backend';
import { plainPpkmCrypto } from '../protocol/ppkm/crypto';
import type { PpkmParams } from '../protocol/ppkm/params';
import type { StopReason } from '../core/termination';
import { randomHex, secureRng } from '../core/rng';
import { poolPpkmCrypto, startPpkmTab, type PpkmTab } from './ppkm-tab';
import { sessionRejoinStore } from './rejoin-store';
import { createRound, joinRound, type ParticipantProgress, type RoundChoice, type RoundSession, type SessionCrypto, type SessionEvent } from './session';
import type { OverlayStats } from './overlay-driver';
import type { RelayStats } from './relay-signalling';

/** A tab's network counters as the runner reads them. */
export type SwarmNetStats = Partial<OverlayStats & RelayStats> & {
  dialFailures: number; retries: number; unacked: number;
  /** WebRTC calls run by the tab's call pacer, and the slowest one (wall ms and its label). */
  webrtcCalls: number; slowestCallMs: number; slowestCall: string;
};

/**
 * Where in the round a logged task fell: ms since this tab received the round's parameters, and the
 * participant's phase and iteration when the entry was observed (just after the task).
 */
export interface TaskStage { roundMs?: number; stage?: string }

/** What the runner reads back. */
export interface SwarmPageState {
  self: string;
  phase: string;
  iteration: number;
  members: number;
  peers: number;
  /** Results in arrival order; the final one carries why the round stopped (`stopReason`). */
  results: Array<{ iteration: number; final: boolean; centroids: number[][]; epsilonSpent: number; bytesSent: number; bytesReceived: number; cryptoMs: number; at: number; stopReason?: StopReason; priorInertia?: number }>;
  bytesSent: number;
  bytesReceived: number;
  cryptoMs: number;
  /** Longest main-thread task while the round ran (from 'linking' to the final result), ms. */
  longTaskMaxMs: number;
  /** Long tasks while the round ran. */
  longTasks: number;
  /** Longest main-thread task since the page loaded (page and module start-up included), ms. */
  longTaskMaxMsAll: number;
  /** The longest tasks (at most 20): start (ms since page load), duration and the phase they fell in. */
  longTaskLog: Array<{ start: number; duration: number; phase: string } & TaskStage>;
  /**
   * The longest script runs (Long Animation Frames API, at most 20): start, wall ms, phase, and what
   * ran ("invoker function@file:char"). A long task's script run names the callback behind it.
   */
  scriptLog: Array<{ start: number; duration: number; phase: string; what: string } & TaskStage>;
  dropped: Record<string, number>;
  /** Overlay upkeep, signalling routes, link counters and paced WebRTC calls of this tab (Chiaroscuro rounds). */
  net?: SwarmNetStats;
  /** The participant's phase, requested decryption and answered iterations, and its drops by reason. */
  protocol?: ParticipantProgress | null;
  errors: string[];
  /** Largest JS heap seen at a poll (sampled only there: never inside a protocol task). */
  heapBytes: number;
  /** Results recorded by this page load. */
  resultsTotal: number;
  /** Random per page load: a reloaded tab has a new one, and the runner drops its copy of the old results. */
  loadId: string;
  /** Iterations this tab started (and so contributed to). */
  contributed: number[];
  /** True when this page load rejoined a round with an id kept in sessionStorage. */
  rejoined: boolean;
  /** Device crypto slots this tab's pool competes for (0: ungated). */
  cryptoSlots: number;
  /** Milliseconds this tab's crypto waited for a device slot, and slots it took. */
  cryptoWaitMs: number;
  cryptoHolds: number;
}

/**
 * What a tab pushes to the runner (on a result, a phase change or an error) and what the runner's
 * occasional polls read: a few fields and the new results. Serialising the whole state (logs, net and
 * protocol stats) cost each tab's main thread a few ms per read; the whole state is read once at the end.
 */
export type SwarmPageProgress = Pick<SwarmPageState, 'self' | 'phase' | 'iteration' | 'peers' | 'errors' | 'results' | 'resultsTotal' | 'loadId'> & {
  /** Whether the tab's lobby links are up (see RoundSession.lobbyLinked; true without a session). */
  lobbyLinked: boolean;
};

function poolCrypto(pool: CryptoPool): SessionCrypto {
  return {
    backendFor: (pk, keyBits) => (keyBits === 0 ? plainBackend(pk) : workerBackend(pool, pk)),
    async dealKey(keyBits, holders, threshold) {
      if (keyBits === 0) return dealPlainThresholdKey({ bits: 1024, holders, threshold });
      return pool.dealThresholdKey({ bits: keyBits, holders, threshold });
    },
  };
}

const params = new URLSearchParams(location.search);
const REJOIN_KEY = 'chiaroscuro-swarm-join';
/** `slots`: crypto chunks at once across the device's tabs (absent: hardwareConcurrency − 1; 0: ungated). */
const slotsParam = params.get('slots');
const slotsValid = slotsParam === null || (/^\d+$/.test(slotsParam) && Number(slotsParam) <= 64);
const slots = slotsParam !== null && slotsValid ? Number(slotsParam) : undefined;
const pool = createCryptoPool({
  size: Math.max(1, Math.min(8, Number(params.get('workers') ?? '1') || 1)),
  ...(slots === undefined ? {} : { admission: slots === 0 ? null : createAdmission({ slots }) }),
});
/** `lobby=0`: joiners do not link to other members while in the lobby (see ./lobby-links). */
const lobbyParam = params.get('lobby');
const lobbyLinks = lobbyParam !== '0';
const signalling = { host: location.hostname, port: Number(location.port || (location.protocol === 'https:' ? 443 : 80)), path: '/peerjs', secure: location.protocol === 'https:' };
const iceServers = params.get('ice') ? (JSON.parse(params.get('ice')!) as RTCIceServer[]) : [];

const state: SwarmPageState = {
  self: '', phase: 'idle', iteration: 0, members: 0, peers: 0, results: [], bytesSent: 0, bytesReceived: 0, cryptoMs: 0,
  longTaskMaxMs: 0, longTasks: 0, longTaskMaxMsAll: 0, longTaskLog: [], scriptLog: [], dropped: {}, errors: [], heapBytes: 0,
  resultsTotal: 0, contributed: [], rejoined: false, cryptoSlots: pool.slots, cryptoWaitMs: 0, cryptoHolds: 0,
  loadId: randomHex(secureRng(), 8),
};
// A bad URL parameter is reported in the page's errors, not silently replaced by the default.
if (!slotsValid) state.errors.push(`slots: expected an integer in [0, 64], got '${slotsParam ?? ''}'`);
if (lobbyParam !== null && lobbyParam !== '0' && lobbyParam !== '1') state.errors.push(`lobby: expected 0 or 1, got '${lobbyParam}'`);
let session: RoundSession | null = null;
let ppkm: PpkmTab | null = null;
/** PPkM: the stop threshold and the largest centroid move of the node's latest iteration. */
let ppkmStop = { epsStop: 0, moved: Infinity };
const statusEl = document.getElementById('status');
/** Entries kept in each of the long-task and script logs. */
const LOG_LENGTH = 20;

// The round's span on this tab: from 'linking' (parameters received) to the final result.
const span = { from: Infinity, to: Infinity };
const inRound = (t: number): boolean => t >= span.from && t <= span.to;
const phaseAt = (t: number): string => (t < span.from ? 'before' : t <= span.to ? 'round' : 'after');
const stageAt = (t: number): TaskStage => {
  if (!inRound(t)) return {};
  const p = session?.stats().protocol;
  return { roundMs: Math.round(t - span.from), ...(p ? { stage: `${p.phase} ${p.iteration}` } : {}) };
};
/** Adds `entry` to `log`, which keeps the {@link LOG_LENGTH} longest entries, longest first. */
function keepLongest<E extends { duration: number }>(log: E[], entry: E): void {
  if (log.length >= LOG_LENGTH && entry.duration <= log[log.length - 1]!.duration) return;
  log.push(entry);
  log.sort((a, b) => b.duration - a.duration);
  log.length = Math.min(log.length, LOG_LENGTH);
}
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      state.longTaskMaxMsAll = Math.max(state.longTaskMaxMsAll, e.duration);
      if (inRound(e.startTime)) { state.longTasks++; state.longTaskMaxMs = Math.max(state.longTaskMaxMs, e.duration); }
      keepLongest(state.longTaskLog, { start: Math.round(e.startTime), duration: Math.round(e.duration), phase: phaseAt(e.startTime), ...stageAt(e.startTime) });
    }
  }).observe({ type: 'longtask', buffered: true });
} catch { /* longtask unsupported: reported as 0 */ }

/** The Long Animation Frames API's script entries (Chromium ≥ 123), as far as they are read here. */
interface ScriptTiming { startTime: number; duration: number; invoker?: string; sourceFunctionName?: string; sourceURL?: string; sourceCharPosition?: number }
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as Array<PerformanceEntry & { scripts?: ScriptTiming[] }>) {
      for (const x of e.scripts ?? []) {
        if (x.duration < 20) continue;
        const file = (x.sourceURL ?? '').split('/').pop()?.split('?')[0] ?? '';
        keepLongest(state.scriptLog, { start: Math.round(x.startTime), duration: Math.round(x.duration), phase: phaseAt(x.startTime), what: `${x.invoker ?? '?'} ${x.sourceFunctionName ?? ''}@${file}:${x.sourceCharPosition ?? -1}`, ...stageAt(x.startTime) });
      }
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
} catch { /* unsupported: no attribution */ }

/** Keeps the largest JS heap seen (sampled at polls only: never inside a protocol task). */
function sampleHeap(): void {
  const mem = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  state.heapBytes = Math.max(state.heapBytes, mem?.usedJSHeapSize ?? 0);
}

function refresh(): void {
  if (ppkm) {
    const s = ppkm.stats();
    state.bytesSent = s.bytesSent; state.bytesReceived = s.bytesReceived; state.peers = s.peers; state.dropped = s.dropped;
    state.members = ppkm.node.iterations;
    const err = ppkm.node.error;
    if (err !== undefined && !state.errors.length) state.errors.push(err instanceof Error ? err.message : String(err));
    if (ppkm.node.done && state.phase !== 'finished') {
      state.phase = 'finished';
      span.to = performance.now();
      const last = state.results[state.results.length - 1];
      if (last) {
        last.final = true;
        // As the session's PPkM path: a node stops when its centroids moved ≤ ε_stop, else at the cap.
        last.stopReason = ppkmStop.moved <= ppkmStop.epsStop ? 'converged' : 'max-iterations';
      }
    }
  }
  if (session) {
    const s = session.stats();
    state.bytesSent = s.bytesSent; state.bytesReceived = s.bytesReceived; state.cryptoMs = s.cryptoMs; state.peers = s.peers;
    state.dropped = s.dropped; state.members = session.members().length;
    // Times on one scale across tabs (each tab's performance.now() has its own origin; 0 = not yet).
    const epoch = (t: number): number => (t > 0 ? t + performance.timeOrigin : 0);
    state.protocol = s.protocol ? { ...s.protocol, readyAt: epoch(s.protocol.readyAt), gossipAt: epoch(s.protocol.gossipAt) } : null;
    state.net = { ...s.overlay, dialFailures: s.dialFailures, retries: s.retries, unacked: s.unacked, webrtcCalls: s.calls?.calls ?? 0, slowestCallMs: Math.round(s.calls?.slowestMs ?? 0), slowestCall: s.calls?.slowest ?? '' };
  }
  if (statusEl) statusEl.textContent = `${state.self} ${state.phase} iteration ${state.iteration} peers ${state.peers}`;
}

/** The runner's binding (Playwright `exposeBinding`); absent when the page runs on its own. */
type Report = (p: SwarmPageProgress) => Promise<void>;
/** Results already pushed through {@link report}. */
let reported = 0;
let reportQueued = false;
/**
 * Pushes this tab's progress and new results to the runner, in a task of its own (the events of one
 * task go in one push). The runner then polls only as a slow backstop: a poll is a DevTools round
 * trip that costs this tab's main thread and the runner's CPU, and at 500 ms per tab the runner
 * alone used 15 % of a core during a 12-tab round. A push reads the state as it is: the traffic
 * totals and the heap are refreshed by the polls, not here (an iteration's start, when every tab is
 * busiest, reported each phase change with a full stats walk and a heap sample).
 */
function report(): void {
  if (reportQueued) return;
  reportQueued = true;
  setTimeout(() => {
    reportQueued = false;
    const push = (globalThis as unknown as { swarmReport?: Report }).swarmReport;
    if (typeof push !== 'function') return;
    if (ppkm) refresh(); // a PPkM node's end is seen by refresh
    const p = progressOf(reported);
    reported = p.resultsTotal;
    push(p).catch(() => { /* the runner is gone */ });
  }, 0);
}

/** The progress part of the state, with the results from index `since` on. */
function progressOf(since: number): SwarmPageProgress {
  const { self, phase, iteration, peers, errors, results, loadId } = state;
  return { self, phase, iteration, peers, errors, results: results.slice(since), resultsTotal: results.length, loadId, lobbyLinked: session?.lobbyLinked() ?? true };
}

function attach(s: RoundSession): void {
  session = s;
  state.self = s.self;
  s.onEvent((e: SessionEvent) => {
    switch (e.type) {
      case 'phase':
        state.phase = e.phase;
        if (e.phase === 'linking' && span.from === Infinity) span.from = performance.now();
        if (e.phase === 'finished') span.to = performance.now();
        if (e.detail) state.errors.push(e.detail);
        break;
      case 'iteration': state.iteration = e.iteration; state.contributed.push(e.iteration); break;
      case 'lobby': state.members = e.members.length; break;
      case 'error': state.errors.push(e.error); break;
      case 'result': {
        refresh();
        const { type: _, ...result } = e;
        state.results.push({ ...result, bytesSent: state.bytesSent, bytesReceived: state.bytesReceived, cryptoMs: state.cryptoMs, at: performance.now() });
        break;
      }
      default: return; // lobby and peer counts are read by the polls
    }
    report();
  });
}

/** The runner's handle on this tab. */
const api = {
  async create(round: RoundChoice, data: number[][], degree?: number): Promise<string> {
    const s = await createRound({ net: { signalling, iceServers, ...(degree ? { degree } : {}) }, crypto: poolCrypto(pool), data: data.map((d) => Float64Array.from(d)), round, baseUrl: location.origin + '/swarm.html' });
    attach(s);
    return s.link;
  },
  async join(link: string, data: number[][], degree?: number, id?: string): Promise<string> {
    const s = await joinRound(link, { net: { signalling, iceServers, lobbyLinks, ...(degree ? { degree } : {}) }, crypto: poolCrypto(pool), data: data.map((d) => Float64Array.from(d)), ...(id ? { id } : {}), rejoinStore: sessionRejoinStore() });
    attach(s);
    // Kept for this tab only (sessionStorage survives a reload, not a new tab): a reload rejoins.
    try { sessionStorage.setItem(REJOIN_KEY, JSON.stringify({ link, data, degree: degree ?? 0, id: s.self })); } catch { /* storage disabled */ }
    return s.self;
  },
  async start(): Promise<void> {
    if (!session) throw new Error('swarm page: no session');
    await session.start();
  },
  /** PPkM: registers `self`, links to the fixed neighbours Γ_i (resolves once all are linked). */
  async ppkm(o: { self: string; neighbours: string[]; params: PpkmParams; round: number; records: number[][] }): Promise<string> {
    const crypto = o.params.keyBits === 0 ? plainPpkmCrypto() : poolPpkmCrypto(pool, o.params.keyBits);
    state.self = o.self;
    state.phase = 'linking';
    ppkmStop = { epsStop: o.params.epsStop, moved: Infinity };
    ppkm = await startPpkmTab({
      self: o.self, neighbours: o.neighbours, signalling, iceServers, params: o.params, round: o.round, crypto, records: o.records,
      onIteration: (iteration, centroids, moved) => {
        state.iteration = iteration;
        ppkmStop.moved = moved;
        refresh();
        state.results.push({ iteration, final: false, centroids, epsilonSpent: 0, bytesSent: state.bytesSent, bytesReceived: state.bytesReceived, cryptoMs: 0, at: performance.now() });
        report(); // in a later task: the node marks itself done after this callback (refresh reads it then)
      },
    });
    return o.self;
  },
  /** PPkM: starts the node (the runner calls it on every tab once all are linked). */
  ppkmStart(): void {
    if (!ppkm) throw new Error('swarm page: no ppkm node');
    state.phase = 'running';
    span.from = performance.now();
    ppkm.start();
  },
  /**
   * The round's progress and the results from index `since` on (what {@link report} pushes and the
   * runner's polls read): a full copy of every iteration's centroids would cost this tab main-thread
   * time to serialise each time.
   */
  progress(since = 0): SwarmPageProgress {
    refresh();
    sampleHeap();
    return progressOf(since);
  },
  /** The whole state, with the results from index `since` on. */
  state(since = 0): SwarmPageState {
    refresh();
    sampleHeap();
    const ps = pool.stats();
    state.cryptoWaitMs = ps.waitMs; state.cryptoHolds = ps.holds;
    return { ...state, resultsTotal: state.results.length, results: state.results.slice(since) };
  },
  leave(): void { session?.leave(); ppkm?.close(); pool.terminate(); },
};
(globalThis as unknown as { swarm: typeof api }).swarm = api;
state.phase = 'ready';
refresh();

/** Parses what {@link api.join} stored; null unless every field has the expected shape. */
function storedJoin(): { link: string; data: number[][]; degree: number; id: string } | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(REJOIN_KEY) ?? 'null') as Record<string, unknown> | null;
    if (!v || typeof v['link'] !== 'string' || typeof v['id'] !== 'string' || typeof v['degree'] !== 'number') return null;
    const data = v['data'];
    if (!Array.isArray(data) || !data.every((r) => Array.isArray(r) && r.every((x) => typeof x === 'number'))) return null;
    return { link: v['link'], data: data as number[][], degree: v['degree'], id: v['id'] };
  } catch { return null; }
}

// A reloaded tab rejoins its round with the same id; it contributes from the next iteration on.
const again = storedJoin();
if (again) {
  state.rejoined = true;
  state.phase = 'rejoining';
  void api.join(again.link, again.data, again.degree || undefined, again.id).catch((e: unknown) => { state.errors.push(`rejoin: ${e instanceof Error ? e.message : String(e)}`); report(); });
}
