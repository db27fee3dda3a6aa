/**
 * Control messages of the round rendezvous (lobby, start, relay), JSON over the link's control
 * channel. Every received message is validated here; anything malformed yields null (counted and
 * dropped by the session).
 * @module
 */
import type { PeerId } from '../core/transport';
import type { RoundConfig, RoundParams } from '../protocol/chiaroscuro/round';
import type { ThresholdPublicKey } from '../crypto/types';
import type { PpkmParams } from '../protocol/ppkm/params';
import { MAX_VIEW_SIZE, type ViewEntry } from './cyclon';
import type { RelayedSignal, RelayFailure } from './relay-signalling';
import { isValidPeerId, parseSignal } from './signalling';

/** Lobby status of a round. */
export type RoundStatus = 'lobby' | 'dealing' | 'running' | 'finished';

/** Round parameters on the wire: the public key's n as a decimal string. */
export type WireRoundParams = Omit<RoundParams, 'publicKey'> & { publicKey: { n: string; bits: number; holders: number; threshold: number } };

/**
 * The round's public parameters as the creator chose them, sent to every admitted member before the
 * lobby (what a joiner shows and records instead of the join link's unauthenticated hints).
 */
export type RoundInfo =
  Pick<RoundConfig, 'k' | 'T' | 'L' | 'lo' | 'hi' | 'iterations' | 'epsilon' | 'strategy' | 'smoothing' | 'keyBits' | 'population'>
  & {
    protocol: 'chiaroscuro' | 'ppkm';
    /** Dataset kind / use case, e.g. `lcl`, `tumor`. */
    dataset: string;
  };

/** Messages of the control channel. */
export type ControlMessage =
  | { t: 'hello'; round: string; secret: string }
  | { t: 'refuse'; reason: string }
  | { t: 'lobby'; members: PeerId[]; holders: PeerId[]; status: RoundStatus }
  | { t: 'start'; params: WireRoundParams; members: PeerId[]; share: { index: number; secret: string } | null }
  | { t: 'params'; info: RoundInfo }
  | { t: 'ppkm'; params: PpkmParams; round: number; neighbours: PeerId[] }
  | { t: 'ready' }
  | { t: 'go' }
  | { t: 'bye' }
  // Overlay upkeep between any two linked members:
  | { t: 'shuffle'; entries: ViewEntry[] }
  | { t: 'shuffle-reply'; entries: ViewEntry[] }
  | { t: 'want'; on: boolean }
  | RelayedSignal
  | RelayFailure;

/** Control messages any linked member may send (the rest come from the round's creator only). */
export type OverlayMessage = Extract<ControlMessage, { t: 'shuffle' | 'shuffle-reply' | 'want' | 'sig' | 'sig-fail' }>;

/** Whether a control message is overlay upkeep (accepted from any member). */
export function isOverlayMessage(m: ControlMessage): m is OverlayMessage {
  return m.t === 'shuffle' || m.t === 'shuffle-reply' || m.t === 'want' || m.t === 'sig' || m.t === 'sig-fail';
}

/** Largest control message accepted (a start message of a few thousand members fits). */
export const MAX_CONTROL_BYTES = 1 << 20;
const MAX_MEMBERS = 10_000;

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** Encodes a control message. */
export function encodeControl(m: ControlMessage): Uint8Array {
  return enc.encode(JSON.stringify(m));
}

const ids = (x: unknown): PeerId[] | null =>
  Array.isArray(x) && x.length <= MAX_MEMBERS && x.every(isValidPeerId) ? (x as PeerId[]) : null;
const str = (x: unknown, max: number): x is string => typeof x === 'string' && x.length <= max;
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Public key → wire form. */
export function publicKeyToWire(pk: ThresholdPublicKey): WireRoundParams['publicKey'] {
  return { n: pk.n.toString(), bits: pk.bits, holders: pk.holders, threshold: pk.threshold };
}

/** Wire form → round parameters (shapes only; makeRoundConfig validates the values). */
export function paramsFromWire(w: unknown): RoundParams | null {
  if (typeof w !== 'object' || w === null) return null;
  const o = w as Record<string, unknown>;
  const pk = o['publicKey'] as Record<string, unknown> | undefined;
  if (!pk || !str(pk['n'], 2000) || !/^[1-9][0-9]*$/.test(pk['n']) || !num(pk['bits']) || !num(pk['holders']) || !num(pk['threshold'])) return null;
  for (const k of ['k', 'T', 'L', 'lo', 'hi', 'iterations', 'epsilon', 'smoothing', 'keyBits', 'participants']) if (!num(o[k])) return null;
  for (const k of ['threshold', 'population', 'dropout', 'cycles', 'cycleMs', 'stabilityTolerance', 'initSeed', 'inertiaFraction']) if (o[k] !== undefined && !num(o[k])) return null;
  if (!str(o['round'], 64) || (o['strategy'] !== 'uniform' && o['strategy'] !== 'geometric')) return null;
  const holderIds = ids(o['holderIds']);
  if (!holderIds) return null;
  if (o['noise'] !== undefined && typeof o['noise'] !== 'boolean') return null;
  // A real round always runs with a contributor census: the wire cannot turn it off.
  const { census: _census, ...rest } = o;
  return {
    ...(rest as unknown as RoundParams),
    holderIds,
    publicKey: { n: BigInt(pk['n']), bits: pk['bits'], holders: pk['holders'], threshold: pk['threshold'] },
  };
}

/** Validates a {@link RoundInfo} received from the hub (shapes and ranges); null if anything is off. */
export function roundInfoFromWire(w: unknown): RoundInfo | null {
  if (typeof w !== 'object' || w === null || Array.isArray(w)) return null;
  const o = w as Record<string, unknown>;
  const int = (k: string, lo: number, hi: number): boolean => Number.isSafeInteger(o[k]) && (o[k] as number) >= lo && (o[k] as number) <= hi;
  if (o['protocol'] !== 'chiaroscuro' && o['protocol'] !== 'ppkm') return null;
  if (!str(o['dataset'], 64) || !/^[A-Za-z0-9_.-]{1,64}$/.test(o['dataset'])) return null;
  if (!int('k', 1, 1024) || !int('T', 1, 4096) || !int('L', 1, 100_000) || !int('iterations', 1, 10_000) || !int('smoothing', 1, 1000)) return null;
  if (!int('keyBits', 0, 8192) || !int('population', 1, 1e12)) return null;
  if (!num(o['lo']) || !num(o['hi']) || !((o['hi'] as number) > (o['lo'] as number)) || !num(o['epsilon']) || !((o['epsilon'] as number) > 0)) return null;
  if (o['strategy'] !== 'uniform' && o['strategy'] !== 'geometric') return null;
  const keys = ['protocol', 'dataset', 'k', 'T', 'L', 'lo', 'hi', 'iterations', 'epsilon', 'strategy', 'smoothing', 'keyBits', 'population'] as const;
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as unknown as RoundInfo;
}

/** PPkM parameters from the wire (shapes only; the node's deriveSizes validates the values). */
function ppkmParamsFromWire(w: unknown): PpkmParams | null {
  if (typeof w !== 'object' || w === null || Array.isArray(w)) return null;
  const o = w as Record<string, unknown>;
  if (o['variant'] !== 'b' && o['variant'] !== 'e' && o['variant'] !== 'packed') return null;
  for (const k of ['k', 'd', 'fractionBits', 'maxRecords', 'maxNeighbours', 'kappa', 'lambdaBits', 'keyBits', 'epsStop', 'maxIterations']) if (!num(o[k])) return null;
  const nums = (x: unknown, n: number): x is number[] => Array.isArray(x) && x.length === n && x.every(num);
  const d = o['d'] as number, k = o['k'] as number;
  if (d < 1 || d > 4096 || k < 1 || k > 1024 || !nums(o['lo'], d) || !nums(o['hi'], d)) return null;
  const init = o['initialCentroids'];
  if (!Array.isArray(init) || init.length !== k || !init.every((c) => nums(c, d))) return null;
  return o as unknown as PpkmParams;
}

/** A shuffle's view entries: at most MAX_VIEW_SIZE, valid distinct ids, ages in [0, 10⁶]. */
function viewEntries(x: unknown): ViewEntry[] | null {
  if (!Array.isArray(x) || x.length > MAX_VIEW_SIZE) return null;
  const out: ViewEntry[] = [];
  for (const e of x) {
    if (typeof e !== 'object' || e === null) return null;
    const r = e as Record<string, unknown>;
    if (!isValidPeerId(r['id']) || !Number.isSafeInteger(r['age']) || (r['age'] as number) < 0 || (r['age'] as number) > 1e6) return null;
    if (out.some((v) => v.id === r['id'])) return null;
    out.push({ id: r['id'], age: r['age'] as number });
  }
  return out;
}

/** Decodes and validates a control message; null if malformed. */
export function decodeControl(bytes: Uint8Array): ControlMessage | null {
  if (bytes.length > MAX_CONTROL_BYTES) return null;
  let o: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(dec.decode(bytes));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
    o = v as Record<string, unknown>;
  } catch { return null; }
  switch (o['t']) {
    case 'hello':
      return str(o['round'], 64) && str(o['secret'], 128) ? { t: 'hello', round: o['round'], secret: o['secret'] } : null;
    case 'refuse':
      return str(o['reason'], 500) ? { t: 'refuse', reason: o['reason'] } : null;
    case 'lobby': {
      const members = ids(o['members']), holders = ids(o['holders']);
      const status = o['status'];
      if (!members || !holders || !['lobby', 'dealing', 'running', 'finished'].includes(status as string)) return null;
      return { t: 'lobby', members, holders, status: status as RoundStatus };
    }
    case 'start': {
      const members = ids(o['members']);
      if (!members || !paramsFromWire(o['params'])) return null;
      const s = o['share'];
      let share: { index: number; secret: string } | null = null;
      if (s !== null) {
        const r = s as Record<string, unknown> | undefined;
        if (!r || !num(r['index']) || !str(r['secret'], 4000) || !/^[0-9]+$/.test(r['secret'])) return null;
        share = { index: r['index'], secret: r['secret'] };
      }
      return { t: 'start', params: o['params'] as WireRoundParams, members, share };
    }
    case 'params': {
      const info = roundInfoFromWire(o['info']);
      return info ? { t: 'params', info } : null;
    }
    case 'ppkm': {
      const params = ppkmParamsFromWire(o['params']);
      const neighbours = ids(o['neighbours']);
      const round = o['round'];
      if (!params || !neighbours || neighbours.length === 0 || !Number.isSafeInteger(round) || (round as number) < 0) return null;
      return { t: 'ppkm', params, round: round as number, neighbours };
    }
    case 'ready': return { t: 'ready' };
    case 'go': return { t: 'go' };
    case 'bye': return { t: 'bye' };
    case 'shuffle': case 'shuffle-reply': {
      const entries = viewEntries(o['entries']);
      return entries ? { t: o['t'], entries } : null;
    }
    case 'want':
      return typeof o['on'] === 'boolean' ? { t: 'want', on: o['on'] } : null;
    case 'sig': case 'sig-fail': {
      const signal = parseSignal(o['signal']);
      if (!signal || !isValidPeerId(o['to'])) return null;
      if (o['t'] === 'sig-fail') return o['from'] === undefined ? { t: 'sig-fail', to: o['to'], signal } : null;
      if (o['from'] !== undefined && !isValidPeerId(o['from'])) return null;
      return { t: 'sig', to: o['to'], ...(o['from'] !== undefined ? { from: o['from'] } : {}), signal };
    }
    default: return null;
  }
}
