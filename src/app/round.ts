/**
 * Glue between the UI and the swarm's round session API (src/net). The session API is written in
 * parallel; it is located at run time among the src/net modules by its exports (`createRound`,
 * `joinRound`), so the app builds and the rest of the UI works before it lands.
 * @module
 */
import type { RunConfig } from '../sim/contract';

/** Lobby and progress state the UI renders (built from session events). */
export interface RoundStatus {
  link?: string;
  members: Array<{ id: string; label?: string; keyHolder?: boolean }>;
  phase: string;
  iteration: number;
  iterations: number;
  /** 0..1 */
  progress: number;
  epsilonSpent: number;
  epsilonBudget: number;
  peers: number;
  bytesSent: number;
  bytesReceived: number;
  cryptoMs: number;
  errors: string[];
}

/** The subset of the session API the UI relies on. */
export interface RoundSession {
  link?: string;
  members?: unknown;
  onEvent(handler: (event: unknown) => void): void;
  start(): unknown;
  leave(): unknown;
}

interface NetModule {
  createRound?: (config: RunConfig) => Promise<RoundSession> | RoundSession;
  joinRound?: (link: string) => Promise<RoundSession> | RoundSession;
}

const netModules = import.meta.glob(['../net/*.ts', '!../net/swarm-page.ts', '!../net/**/*.test.ts']);

/** Finds the session API; throws a clear error when it is not part of this build. */
export async function loadSessionApi(): Promise<Required<NetModule>> {
  for (const load of Object.values(netModules)) {
    const m = (await load()) as NetModule;
    if (typeof m.createRound === 'function' && typeof m.joinRound === 'function') return m as Required<NetModule>;
  }
  throw new Error('The swarm session API (createRound/joinRound in src/net) is not available in this build yet.');
}

/** A fresh status for a round of `config`. */
export function initialStatus(config: Pick<RunConfig, 'iterations' | 'epsilon'>): RoundStatus {
  return { members: [], phase: 'lobby', iteration: 0, iterations: config.iterations, progress: 0, epsilonSpent: 0, epsilonBudget: config.epsilon, peers: 0, bytesSent: 0, bytesReceived: 0, cryptoMs: 0, errors: [] };
}

const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/**
 * Folds one session event into the status. Events are validated loosely by shape (`type` plus
 * numeric fields); an unknown event type is kept visible as an error rather than dropped silently.
 */
export function applyEvent(s: RoundStatus, event: unknown): RoundStatus {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const next: RoundStatus = { ...s, errors: s.errors.slice() };
  switch (e['type']) {
    case 'members':
      if (Array.isArray(e['members'])) {
        next.members = e['members'].map((m) => {
          const r = (typeof m === 'object' && m !== null ? m : { id: String(m) }) as Record<string, unknown>;
          return { id: String(r['id']), ...(typeof r['label'] === 'string' ? { label: r['label'] } : {}), keyHolder: r['keyHolder'] === true };
        });
      }
      break;
    case 'phase':
    case 'progress':
      next.phase = typeof e['phase'] === 'string' ? e['phase'] : next.phase;
      next.iteration = num(e['iteration'], next.iteration);
      next.progress = Math.min(1, Math.max(0, num(e['progress'], next.progress)));
      next.epsilonSpent = num(e['epsilonSpent'], next.epsilonSpent);
      next.peers = num(e['peers'], next.peers);
      next.bytesSent = num(e['bytesSent'], next.bytesSent);
      next.bytesReceived = num(e['bytesReceived'], next.bytesReceived);
      next.cryptoMs = num(e['cryptoMs'], next.cryptoMs);
      break;
    case 'result':
      next.phase = 'done';
      next.progress = 1;
      break;
    case 'error':
      next.errors.push(typeof e['message'] === 'string' ? e['message'] : String(e['error'] ?? 'unknown error'));
      break;
    default:
      next.errors.push(`Unrecognised round event: ${JSON.stringify(event)?.slice(0, 200)}`);
  }
  return next;
}
