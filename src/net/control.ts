/**
 * Control messages of the round rendezvous (lobby, start, relay), JSON over the link's control
 * channel. Every received message is validated here; anything malformed yields null (counted and
 * dropped by the session).
 * @module
 */
import type { PeerId } from '../core/transport';
import type { RoundParams } from '../protocol/chiaroscuro/round';
import type { ThresholdPublicKey } from '../crypto/types';
import { isValidPeerId } from './signalling';

/** Lobby status of a round. */
export type RoundStatus = 'lobby' | 'dealing' | 'running' | 'finished';

/** Round parameters on the wire: the public key's n as a decimal string. */
export type WireRoundParams = Omit<RoundParams, 'publicKey'> & { publicKey: { n: string; bits: number; holders: number; threshold: number } };

/** Messages of the control channel. */
export type ControlMessage =
  | { t: 'hello'; round: string; secret: string }
  | { t: 'refuse'; reason: string }
  | { t: 'lobby'; members: PeerId[]; holders: PeerId[]; status: RoundStatus }
  | { t: 'start'; params: WireRoundParams; members: PeerId[]; share: { index: number; secret: string } | null }
  | { t: 'ready' }
  | { t: 'go' }
  | { t: 'bye' };

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
  for (const k of ['threshold', 'population', 'dropout', 'cycles', 'cycleMs', 'stabilityTolerance', 'initSeed']) if (o[k] !== undefined && !num(o[k])) return null;
  if (!str(o['round'], 64) || (o['strategy'] !== 'uniform' && o['strategy'] !== 'geometric')) return null;
  const holderIds = ids(o['holderIds']);
  if (!holderIds) return null;
  if (o['noise'] !== undefined && typeof o['noise'] !== 'boolean') return null;
  return {
    ...(o as unknown as RoundParams),
    holderIds,
    publicKey: { n: BigInt(pk['n']), bits: pk['bits'], holders: pk['holders'], threshold: pk['threshold'] },
  };
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
    case 'ready': return { t: 'ready' };
    case 'go': return { t: 'go' };
    case 'bye': return { t: 'bye' };
    default: return null;
  }
}
