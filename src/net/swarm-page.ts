/**
 * The light participant page of `npm run swarm` (swarm.html): no UI, one participant per tab.
 * The runner drives it through `window.swarm` (Playwright `page.evaluate`), gives it its own series,
 * and polls `window.swarm.state()`. Crypto runs in the comlink worker pool (off the main thread);
 * long tasks on the main thread are measured with a PerformanceObserver.
 * @module
 */
import { createCryptoPool, type CryptoPool } from '../../workers/pool';
import { dealPlainThresholdKey } from '../crypto/index';
import type { ThresholdPublicKey } from '../crypto/types';
import { plainBackend, type CryptoBackend } from '../protocol/crypto-backend';
import { createRound, joinRound, type RoundChoice, type RoundSession, type SessionCrypto, type SessionEvent } from './session';

/** What the runner reads back. */
export interface SwarmPageState {
  self: string;
  phase: string;
  iteration: number;
  members: number;
  peers: number;
  results: Array<{ iteration: number; final: boolean; centroids: number[][]; epsilonSpent: number; bytesSent: number; bytesReceived: number; cryptoMs: number; at: number }>;
  bytesSent: number;
  bytesReceived: number;
  cryptoMs: number;
  longTaskMaxMs: number;
  longTasks: number;
  dropped: Record<string, number>;
  errors: string[];
  heapBytes: number;
}

/**
 * A {@link CryptoBackend} over the worker pool for a round's threshold key. (Belongs with the pool in
 * workers/; kept here until the pool engineer ships one.)
 */
export function poolBackend(pool: CryptoPool, pk: ThresholdPublicKey): CryptoBackend {
  const n = pk.n, n2 = n * n;
  let elapsed = 0;
  const timed = async <T>(p: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try { return await p(); } finally { elapsed += performance.now() - t0; }
  };
  const pow2 = (e: number): bigint => (1n << BigInt(e)) % n;
  return {
    name: `paillier-${pk.bits}-pool`,
    plaintextModulus: n,
    ciphertextModulus: n2,
    ciphertextBytes: Math.ceil(n2.toString(2).length / 8),
    encryptVector: (m) => timed(() => pool.encryptVector(pk, m, 'djn')),
    addVectors: (a, b) => timed(() => pool.addMany(pk, [a, b])),
    mulConstVector: (c, k) => timed(() => pool.mulConstVector(pk, c, k)),
    scaleByPowerOfTwo: (c, e) => timed(async () => (e === 0 ? c.slice() : pool.mulConstVector(pk, c, pow2(e)))),
    mergeScaled: (a, ea, b, eb) => timed(async () => {
      const e = Math.max(ea, eb);
      return { c: await pool.linearCombine(pk, [a, b], [pow2(e - ea), pow2(e - eb)]), e };
    }),
    partialDecryptVector: (share, c) => timed(async () => {
      const r = await pool.partialDecryptVector(share, c);
      return r.values.map((value) => ({ index: r.index, value }));
    }),
    combineVector: (key, partials) => timed(() => pool.combineVector(key, partials.map((p) => ({ index: p[0]!.index, values: p.map((x) => x.value) })))),
    isValidCiphertext: (c) => typeof c === 'bigint' && c > 0n && c < n2,
    isValidPartial: (v) => typeof v === 'bigint' && v >= 0n && v < n2,
    elapsedMs: () => elapsed,
  };
}

function poolCrypto(pool: CryptoPool): SessionCrypto {
  return {
    backendFor: (pk, keyBits) => (keyBits === 0 ? plainBackend(pk) : poolBackend(pool, pk)),
    async dealKey(keyBits, holders, threshold) {
      if (keyBits === 0) return dealPlainThresholdKey({ bits: 1024, holders, threshold });
      return pool.dealThresholdKey({ bits: keyBits, holders, threshold });
    },
  };
}

const params = new URLSearchParams(location.search);
const pool = createCryptoPool({ size: Math.max(1, Math.min(8, Number(params.get('workers') ?? '1') || 1)) });
const signalling = { host: location.hostname, port: Number(location.port || (location.protocol === 'https:' ? 443 : 80)), path: '/peerjs', secure: location.protocol === 'https:' };
const iceServers = params.get('ice') ? (JSON.parse(params.get('ice')!) as RTCIceServer[]) : [];

const state: SwarmPageState = {
  self: '', phase: 'idle', iteration: 0, members: 0, peers: 0, results: [], bytesSent: 0, bytesReceived: 0, cryptoMs: 0,
  longTaskMaxMs: 0, longTasks: 0, dropped: {}, errors: [], heapBytes: 0,
};
let session: RoundSession | null = null;
const statusEl = document.getElementById('status');

try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { state.longTasks++; state.longTaskMaxMs = Math.max(state.longTaskMaxMs, e.duration); }
  }).observe({ entryTypes: ['longtask'] });
} catch { /* longtask unsupported: reported as 0 */ }

function refresh(): void {
  if (session) {
    const s = session.stats();
    state.bytesSent = s.bytesSent; state.bytesReceived = s.bytesReceived; state.cryptoMs = s.cryptoMs; state.peers = s.peers;
    state.dropped = s.dropped; state.members = session.members().length;
  }
  const mem = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  state.heapBytes = mem?.usedJSHeapSize ?? 0;
  if (statusEl) statusEl.textContent = `${state.self} ${state.phase} iteration ${state.iteration} peers ${state.peers}`;
}

function attach(s: RoundSession): void {
  session = s;
  state.self = s.self;
  s.onEvent((e: SessionEvent) => {
    switch (e.type) {
      case 'phase': state.phase = e.phase; if (e.detail) state.errors.push(e.detail); break;
      case 'iteration': state.iteration = e.iteration; break;
      case 'lobby': state.members = e.members.length; break;
      case 'error': state.errors.push(e.error); break;
      case 'result': {
        refresh();
        state.results.push({ iteration: e.iteration, final: e.final, centroids: e.centroids, epsilonSpent: e.epsilonSpent, bytesSent: state.bytesSent, bytesReceived: state.bytesReceived, cryptoMs: state.cryptoMs, at: performance.now() });
        break;
      }
      default: break;
    }
  });
}

/** The runner's handle on this tab. */
const api = {
  async create(round: RoundChoice, data: number[][], degree?: number): Promise<string> {
    const s = await createRound({ net: { signalling, iceServers, ...(degree ? { degree } : {}) }, crypto: poolCrypto(pool), data: data.map((d) => Float64Array.from(d)), round, baseUrl: location.origin + '/swarm.html' });
    attach(s);
    return s.link;
  },
  async join(link: string, data: number[][], degree?: number): Promise<string> {
    const s = await joinRound(link, { net: { signalling, iceServers, ...(degree ? { degree } : {}) }, crypto: poolCrypto(pool), data: data.map((d) => Float64Array.from(d)) });
    attach(s);
    return s.self;
  },
  async start(): Promise<void> {
    if (!session) throw new Error('swarm page: no session');
    await session.start();
  },
  state(): SwarmPageState { refresh(); return state; },
  leave(): void { session?.leave(); pool.terminate(); },
};
(globalThis as unknown as { swarm: typeof api }).swarm = api;
state.phase = 'ready';
refresh();
