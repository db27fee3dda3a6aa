/**
 * Glue between the UI and the swarm's round session API (src/net/session.ts): what a tab passes to
 * `createRound` / `joinRound` (signalling on the page's own origin, the worker-pool crypto, the
 * participant's series), the round settings the join link announces, and the fold of the session's
 * events and stats into the lobby state the UI renders.
 * @module
 */
import { workerBackend } from '../../workers/backend';
import type { CryptoPool } from '../../workers/pool';
import { plainBackend } from '../protocol/crypto-backend';
import { dealPlainThresholdKey } from '../crypto/index';
import { sessionRejoinStore } from '../net/rejoin-store';
import { createRound, joinRound, parseJoinLink, type RoundChoice, type RoundInfo, type RoundSession, type SessionCrypto } from '../net/session';
import { poolPpkmCrypto } from '../net/ppkm-tab';
import { roundInfoFromWire } from '../net/control';
import type { BudgetStrategy, RunConfig } from '../sim/contract';
import { STOP_REASONS } from '../core/termination';

export type { RoundSession, RoundInfo } from '../net/session';

/** Lobby and progress state the UI renders (built from session events and stats). */
export interface RoundStatus {
  link?: string;
  members: Array<{ id: string; label?: string; keyHolder?: boolean }>;
  /** connecting | lobby | dealing | linking | running | done | refused (the session's phases; finished → done). */
  phase: string;
  /** Why the round refused this tab (phase `refused`). */
  detail?: string;
  iteration: number;
  iterations: number;
  /** Latest iteration whose public centroids arrived (0 = none yet). */
  released: number;
  /** Why the round ended (the final result's reason, e.g. `too-few-contributors`), once it did. */
  stopReason?: string;
  /** 0..1 */
  progress: number;
  epsilonSpent: number;
  epsilonBudget: number;
  peers: number;
  bytesSent: number;
  bytesReceived: number;
  cryptoMs: number;
  errors: string[];
  /** The round's public parameters as the creator sent them (null until they arrive). */
  params?: RoundInfo;
}

/** A fresh status for a round of `config`. */
export function initialStatus(config: Pick<RunConfig, 'iterations' | 'epsilon'>): RoundStatus {
  return { members: [], phase: 'connecting', iteration: 0, iterations: config.iterations, released: 0, progress: 0, epsilonSpent: 0, epsilonBudget: config.epsilon, peers: 0, bytesSent: 0, bytesReceived: 0, cryptoMs: 0, errors: [] };
}

const PHASES = new Set(['connecting', 'lobby', 'dealing', 'linking', 'running', 'finished', 'refused']);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isIdList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isMatrix = (v: unknown): v is number[][] => Array.isArray(v) && v.every((r) => Array.isArray(r) && r.every(isNum));

function progressOf(s: RoundStatus): number {
  if (s.phase === 'done') return 1;
  if (s.iterations <= 0) return 0;
  // A started iteration counts half until its centroids are released.
  const started = Math.max(s.released, s.iteration - 0.5);
  return Math.min(1, Math.max(0, started / s.iterations));
}

/**
 * Folds one {@link import('../net/session').SessionEvent} into the status. Events are checked by shape
 * (they cross the session boundary as plain objects); a malformed or unknown event is kept visible as
 * an error rather than dropped silently.
 */
export function applyEvent(s: RoundStatus, event: unknown): RoundStatus {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const next: RoundStatus = { ...s, errors: s.errors.slice() };
  const bad = (): RoundStatus => {
    next.errors.push(`Unrecognised round event: ${JSON.stringify(event)?.slice(0, 200) ?? String(event)}`);
    return next;
  };
  switch (e['type']) {
    case 'lobby': {
      const members = e['members'], holders = e['holders'];
      if (!isIdList(members) || !isIdList(holders) || typeof e['status'] !== 'string') return bad();
      next.members = members.map((id) => ({ id, keyHolder: holders.includes(id) }));
      // The lobby's status never moves a finished tab back.
      if (s.phase === 'connecting' || (e['status'] === 'lobby' && s.phase === 'lobby')) next.phase = 'lobby';
      break;
    }
    case 'phase': {
      const phase = e['phase'];
      if (typeof phase !== 'string' || !PHASES.has(phase)) return bad();
      if (s.phase === 'done' && phase !== 'refused') break; // late phase events after the final result
      next.phase = phase === 'finished' ? 'done' : phase;
      if (typeof e['detail'] === 'string') next.detail = e['detail'];
      break;
    }
    case 'iteration':
      if (!isNum(e['iteration']) || !isNum(e['iterations'])) return bad();
      next.iteration = e['iteration'];
      next.iterations = e['iterations'];
      if (next.phase !== 'done') next.phase = 'running';
      break;
    case 'result':
      if (!isNum(e['iteration']) || typeof e['final'] !== 'boolean' || !isMatrix(e['centroids']) || !isNum(e['epsilonSpent'])) return bad();
      if (e['stopReason'] !== undefined && !(typeof e['stopReason'] === 'string' && (STOP_REASONS as readonly string[]).includes(e['stopReason']))) return bad();
      // A round ended for too few contributors released nothing of that iteration.
      next.released = Math.max(s.released, e['stopReason'] === 'too-few-contributors' ? e['iteration'] - 1 : e['iteration']);
      next.iteration = Math.max(s.iteration, e['iteration']);
      next.epsilonSpent = e['epsilonSpent'];
      if (e['final']) {
        next.phase = 'done';
        if (typeof e['stopReason'] === 'string') next.stopReason = e['stopReason'];
      }
      break;
    case 'peers':
      if (!isNum(e['peers'])) return bad();
      next.peers = e['peers'];
      break;
    case 'params': {
      const info = roundInfoFromWire(e['params']);
      if (!info) return bad();
      next.params = info;
      next.iterations = info.iterations;
      next.epsilonBudget = info.protocol === 'ppkm' ? 0 : info.epsilon;
      break;
    }
    case 'error':
      next.errors.push(typeof e['error'] === 'string' ? e['error'] : `round error: ${JSON.stringify(e['error']) ?? 'unknown'}`);
      break;
    default:
      return bad();
  }
  next.progress = progressOf(next);
  return next;
}

/** Folds the session's traffic/crypto counters (from `stats()`) into the status. */
export function applyStats(s: RoundStatus, stats: { bytesSent: number; bytesReceived: number; cryptoMs: number; peers: number }): RoundStatus {
  return { ...s, bytesSent: stats.bytesSent, bytesReceived: stats.bytesReceived, cryptoMs: stats.cryptoMs, peers: stats.peers };
}

/** A refusal or failure of `joinRound` in words a participant can act on. */
export function explainJoinError(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  const refused = /refused: (.*)$/.exec(m);
  if (refused) return `The round's creator refused this tab: ${refused[1]}. Ask the creator for the link again and open it unchanged.`;
  if (m.startsWith('join link:')) return `This is not a valid join link (${m.slice('join link: '.length)}).`;
  return m.replace(/^joinRound: /, '');
}

/** Round settings announced in the join link after the session's `#join=` part (display only: the real ones come from the round). */
export interface RoundHints {
  /** Absent = Chiaroscuro. */
  protocol?: 'ppkm';
  dataset: 'lcl' | 'tumor';
  k: number;
  iterations: number;
  epsilon: number;
  keyBits: number;
  L: number;
  strategy: BudgetStrategy;
  smoothing: number;
  population: number;
}

/** Appends the round's settings to a join link, so joiners can pick matching data before joining. */
export function announceLink(link: string, h: RoundHints): string {
  return `${link}${h.protocol === 'ppkm' ? '&proto=ppkm' : ''}&use=${h.dataset}&k=${h.k}&it=${h.iterations}&eps=${h.epsilon}&bits=${h.keyBits}&L=${h.L}&strat=${h.strategy}&w=${h.smoothing}&pop=${h.population}`;
}

/**
 * Reads the settings of {@link announceLink} from a join link or its fragment. The fragment comes from
 * whoever sent the link: every field is validated, and anything missing or out of range is an error.
 * @throws RangeError naming the bad field
 */
export function parseRoundHints(link: string): RoundHints {
  parseJoinLink(link); // throws a precise RangeError on a malformed round id / secret
  const frag = link.includes('#') ? link.slice(link.indexOf('#') + 1) : link;
  const q = new URLSearchParams(frag);
  const int = (key: string, lo: number, hi: number): number => {
    const raw = q.get(key);
    const v = Number(raw);
    if (raw === null || !/^[0-9]+$/.test(raw) || v < lo || v > hi) throw new RangeError(`join link: ${key} must be an integer in [${lo}, ${hi}], got ${raw ?? 'nothing'}`);
    return v;
  };
  const dataset = q.get('use');
  if (dataset !== 'lcl' && dataset !== 'tumor') throw new RangeError(`join link: use must be lcl or tumor, got ${dataset ?? 'nothing'}`);
  const eps = Number(q.get('eps'));
  if (!(eps > 0 && eps <= 100)) throw new RangeError(`join link: eps must be a number in (0, 100], got ${q.get('eps') ?? 'nothing'}`);
  const keyBits = int('bits', 0, 4096);
  if (![512, 1024, 2048].includes(keyBits)) throw new RangeError(`join link: bits must be 512, 1024 or 2048, got ${keyBits}`);
  const proto = q.get('proto');
  if (proto !== null && proto !== 'ppkm') throw new RangeError(`join link: proto must be ppkm or absent, got ${proto}`);
  const strategy = q.get('strat');
  if (strategy !== 'uniform' && strategy !== 'geometric') throw new RangeError(`join link: strat must be uniform or geometric, got ${strategy ?? 'nothing'}`);
  return {
    ...(proto === 'ppkm' ? { protocol: proto } : {}),
    dataset, k: int('k', 2, 50), iterations: int('it', 1, 30), epsilon: eps, keyBits, L: int('L', 1, 365),
    strategy, smoothing: int('w', 1, 12), population: int('pop', 2, 100_000_000),
  };
}

/** Gossip cycle period of rounds created from the UI: short enough for classroom rounds, long enough for 2048-bit phones. */
export const UI_CYCLE_MS = 300;

/**
 * The {@link RunConfig} a tab records for a round: from the creator's public parameters when they
 * arrived (`info`), else from the join link's hints (display-only preview).
 */
export function configFromInfo(info: RoundInfo, seed = 0): RunConfig {
  return {
    protocol: info.protocol, dataset: info.dataset as RunConfig['dataset'], participants: 0, seriesPerParticipant: info.L, k: info.k,
    iterations: info.iterations, epsilon: info.epsilon, strategy: info.strategy, smoothing: info.smoothing,
    keyBits: info.keyBits as RunConfig['keyBits'], seed, population: info.population, churn: 0, loss: 0, neighbors: 6,
  };
}

/** Plain-language summary of a round's public parameters. */
export function describeRound(info: RoundInfo): string {
  const common = `k ${info.k}, ${info.iterations} iteration${info.iterations === 1 ? '' : 's'}, ${info.keyBits === 0 ? 'no encryption' : `${info.keyBits}-bit keys`}, at most ${info.L} series of ${info.T} values per participant`;
  return info.protocol === 'ppkm'
    ? `PPkM (exact, no differential privacy) over ${info.dataset}: ${common}`
    : `Chiaroscuro over ${info.dataset}: ${common}, ε ${info.epsilon} (${info.strategy}) for a population of ${info.population}, smoothing ${info.smoothing}`;
}

/** The session's round choice for a validated form config and its dataset's public shape. */
export function roundChoiceFor(c: RunConfig, ds: { T: number; lo: number; hi: number }): RoundChoice {
  return {
    k: c.k, T: ds.T, L: c.seriesPerParticipant, lo: ds.lo, hi: ds.hi, iterations: c.iterations, epsilon: c.epsilon,
    strategy: c.strategy as BudgetStrategy, smoothing: c.smoothing, keyBits: c.keyBits, population: c.population,
    dropout: c.churn, cycleMs: UI_CYCLE_MS, initSeed: c.seed, protocol: c.protocol, dataset: c.dataset,
    inertiaFraction: UI_INERTIA_FRACTION,
  };
}

/**
 * Share of each iteration's ε a UI round spends on the swarm's private inertia estimate (BRIEF §3.8):
 * small, so the profiles keep nearly all the budget, and enough to plot inertia honestly.
 */
export const UI_INERTIA_FRACTION = 0.05;

/** Session crypto over the app's worker pool: the creator deals the threshold key in a worker. */
export function poolSessionCrypto(pool: () => CryptoPool): SessionCrypto {
  return {
    backendFor: (pk, keyBits) => (keyBits === 0 ? plainBackend(pk) : workerBackend(pool(), pk)),
    ppkmCrypto: (keyBits) => poolPpkmCrypto(pool(), keyBits),
    async dealKey(keyBits, holders, threshold) {
      if (keyBits === 0) return dealPlainThresholdKey({ bits: 1024, holders, threshold });
      return pool().dealThresholdKey({ bits: keyBits, holders, threshold });
    },
  };
}

/** How the UI opens sessions (the real API in the app, a fake in component tests). */
export interface RoundApi {
  create(choice: RoundChoice, data: number[][], baseUrl: string): Promise<RoundSession>;
  join(link: string, data: number[][]): Promise<RoundSession>;
}

/** The real session API, with signalling on this page's origin (`/peerjs`, the embedded PeerJS server). */
export function realRoundApi(pool: () => CryptoPool, iceServers: RTCIceServer[] = []): RoundApi {
  const net = () => ({
    signalling: { host: location.hostname, port: Number(location.port || (location.protocol === 'https:' ? 443 : 80)), path: '/peerjs', secure: location.protocol === 'https:' },
    iceServers,
  });
  const series = (d: number[][]) => d.map((s) => Float64Array.from(s));
  return {
    create: (round, data, baseUrl) => createRound({ net: net(), crypto: poolSessionCrypto(pool), data: series(data), round, baseUrl }),
    // A reload of this tab rejoins with the same id (and a key holder's kept share).
    join: (link, data) => joinRound(link, { net: net(), crypto: poolSessionCrypto(pool), data: series(data), rejoinStore: sessionRejoinStore() }),
  };
}
