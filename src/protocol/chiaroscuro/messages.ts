/**
 * Chiaroscuro wire messages and their versioned binary codec. Every frame starts with
 * `[version u8][type u8][round id string][iteration varint]`; the decoder checks everything against
 * a {@link DecodeContext} (round, iteration window, ciphertext count, width and range, shapes) and
 * returns a typed {@link DropReason} instead of throwing, so a bad frame is dropped and counted.
 * @module
 */
import { censusBytes, censusFromBytes, censusToBytes, isValidCensus } from '../../core/census';
import type { Census } from '../../core/census';
import { STOP_REASONS } from '../../core/termination';
import type { StopReason } from '../../core/termination';
import { WireError, WireReader, WireWriter, varintSize } from '../wire';

/** Codec version carried by every frame (2: gossip states carry a contributor census). */
export const CHIAROSCURO_WIRE_VERSION = 2;
/** Longest accepted round id (UTF-8 bytes). */
export const MAX_ROUND_ID_BYTES = 64;
/** Largest power-of-two exponent a gossip state may carry (bounds the slot headroom). */
export const MAX_GOSSIP_EXPONENT = 1024;

/** Message type tags. */
export const MessageType = {
  GossipPush: 1,
  DecryptRequest: 2,
  PartialDecryption: 3,
  Centroids: 4,
  KeyShare: 5,
  Census: 6,
} as const;
/** One of {@link MessageType}'s values. */
export type MessageTypeTag = (typeof MessageType)[keyof typeof MessageType];

/** Push-sum gossip: half of the sender's encrypted state, numerator over 2^exponent. */
export interface GossipPush {
  type: typeof MessageType.GossipPush;
  round: string;
  iteration: number;
  /** Power-of-two denominator exponent e, in the clear. */
  exponent: number;
  ciphertexts: bigint[];
  /** Members whose contribution the state contains (empty in rounds without a census). */
  census: Census;
}

/** The aggregator asks key holders to partially decrypt its converged aggregate. */
export interface DecryptRequest {
  type: typeof MessageType.DecryptRequest;
  round: string;
  iteration: number;
  /** Holder index of the requester (1..holders): the one aggregate decrypted this iteration. */
  requester: number;
  exponent: number;
  ciphertexts: bigint[];
  /** Members whose contribution the aggregate contains: holders refuse one with fewer than n′. */
  census: Census;
}

/**
 * Who is known to have encrypted a contribution to the iteration (its gossip waits for n′ of them).
 * A push is answered with the receiver's census when it knows members the sender does not (`reply`).
 */
export interface CensusMsg {
  type: typeof MessageType.Census;
  round: string;
  iteration: number;
  reply: boolean;
  census: Census;
}

/** A key holder's partial decryptions of one aggregate (one value per ciphertext). */
export interface PartialDecryptionMsg {
  type: typeof MessageType.PartialDecryption;
  round: string;
  iteration: number;
  holder: number;
  values: bigint[];
}

/** Public perturbed centroids after post-processing; iteration 0 carries the initial centroids. */
export interface CentroidsMsg {
  type: typeof MessageType.Centroids;
  round: string;
  iteration: number;
  /** True when the run stops after this iteration. */
  final: boolean;
  /** Why it stops (final messages; absent = unspecified, as in frames with flag 1). */
  stopReason?: StopReason;
  /** Cumulative ε spent including this iteration. */
  epsilonSpent: number;
  /** Alive centroids, each of length T (row-major k'×T on the wire). */
  centroids: Float64Array[];
  /** Private estimate of the inertia of the centroids this iteration started from (rounds with one). */
  priorInertia?: number;
}

/** Bit of the centroids flag byte telling that a prior-inertia estimate follows ε. */
const HAS_PRIOR_INERTIA = 0x80;

/** The dealer's delivery of one threshold key share to its holder (iteration field = 0). */
export interface KeyShareMsg {
  type: typeof MessageType.KeyShare;
  round: string;
  iteration: number;
  index: number;
  holders: number;
  threshold: number;
  /** Key bits (0 = plain). */
  bits: number;
  n: bigint;
  secret: bigint;
}

/** Every Chiaroscuro message. */
export type ChiaroscuroMessage = GossipPush | DecryptRequest | PartialDecryptionMsg | CentroidsMsg | KeyShareMsg | CensusMsg;

/** Why a frame was dropped. */
export type DropReason =
  | 'malformed'
  | 'version'
  | 'unknown-type'
  | 'wrong-round'
  | 'stale-iteration'
  | 'future-iteration'
  | 'oversize'
  | 'bad-ciphertext'
  | 'bad-count'
  | 'bad-shape'
  | 'unexpected'
  | 'duplicate'
  | 'late'
  | 'too-few-contributors';

/** The receiver's expectations, used to validate a frame while decoding. */
export interface DecodeContext {
  round: string;
  /** Accepted iteration window [minIteration, maxIteration]. */
  minIteration: number;
  maxIteration: number;
  /** Ciphertexts per gossip state / aggregate. */
  ciphertextCount: number;
  /** Fixed byte width of one ciphertext / partial decryption. */
  ciphertextBytes: number;
  isValidCiphertext(c: bigint): boolean;
  isValidPartial(v: bigint): boolean;
  /** Number of key holders (valid holder indices 1..holders). */
  holders: number;
  /** Members of the round (N) and whether its gossip states carry a census of them. */
  members: number;
  census: boolean;
  /** Maximum centroids and series length. */
  k: number;
  T: number;
  /** Largest accepted frame. */
  maxFrameBytes: number;
}

/** Result of {@link decodeMessage}. */
export type DecodeResult =
  | { ok: true; msg: ChiaroscuroMessage }
  | { ok: false; reason: DropReason; detail: string };

class Drop extends Error {
  constructor(readonly reason: DropReason, detail: string) {
    super(detail);
  }
}

function header(w: WireWriter, type: MessageTypeTag, round: string, iteration: number): void {
  w.u8(CHIAROSCURO_WIRE_VERSION).u8(type).string(round).varint(iteration);
}

/** Encodes a message; `ciphertextBytes` is the fixed width of ciphertexts/partials/key material. */
export function encodeMessage(msg: ChiaroscuroMessage, ciphertextBytes: number): Uint8Array {
  const w = new WireWriter(encodedSize(msg, ciphertextBytes));
  header(w, msg.type, msg.round, msg.iteration);
  switch (msg.type) {
    case MessageType.GossipPush:
      w.varint(msg.exponent).varint(msg.ciphertexts.length);
      for (const c of msg.ciphertexts) w.bigint(c, ciphertextBytes);
      w.byteString(censusToBytes(msg.census));
      break;
    case MessageType.DecryptRequest:
      w.varint(msg.requester).varint(msg.exponent).varint(msg.ciphertexts.length);
      for (const c of msg.ciphertexts) w.bigint(c, ciphertextBytes);
      w.byteString(censusToBytes(msg.census));
      break;
    case MessageType.Census:
      w.u8(msg.reply ? 1 : 0).byteString(censusToBytes(msg.census));
      break;
    case MessageType.PartialDecryption:
      w.varint(msg.holder).varint(msg.values.length);
      for (const v of msg.values) w.bigint(v, ciphertextBytes);
      break;
    case MessageType.Centroids: {
      const T = msg.centroids[0]?.length ?? 0;
      const flag = msg.final ? 1 + (msg.stopReason ? STOP_REASONS.indexOf(msg.stopReason) + 1 : 0) : 0;
      w.u8(flag | (msg.priorInertia !== undefined ? HAS_PRIOR_INERTIA : 0)).f64(msg.epsilonSpent);
      if (msg.priorInertia !== undefined) w.f64(msg.priorInertia);
      w.varint(msg.centroids.length).varint(T);
      for (const c of msg.centroids) {
        if (c.length !== T) throw new RangeError('encodeMessage: centroids of different lengths');
        for (let i = 0; i < T; i++) w.f64(c[i]!);
      }
      break;
    }
    case MessageType.KeyShare:
      w.varint(msg.index).varint(msg.holders).varint(msg.threshold).varint(msg.bits);
      w.bigint(msg.n, ciphertextBytes).bigint(msg.secret, ciphertextBytes);
      break;
  }
  return w.finish();
}

const utf8Cache = new Map<string, number>();
function utf8Length(s: string): number {
  let n = utf8Cache.get(s);
  if (n === undefined) {
    n = new TextEncoder().encode(s).length;
    if (utf8Cache.size < 64) utf8Cache.set(s, n);
  }
  return n;
}

/**
 * Exact encoded size in bytes, computed without encoding (the simulator counts traffic with it when
 * it passes message objects instead of bytes).
 */
export function encodedSize(msg: ChiaroscuroMessage, ciphertextBytes: number): number {
  const roundBytes = utf8Length(msg.round);
  let size = 2 + varintSize(roundBytes) + roundBytes + varintSize(msg.iteration);
  switch (msg.type) {
    case MessageType.GossipPush:
      size += varintSize(msg.exponent) + varintSize(msg.ciphertexts.length) + msg.ciphertexts.length * ciphertextBytes +
        varintSize(4 * msg.census.length) + 4 * msg.census.length;
      break;
    case MessageType.DecryptRequest:
      size += varintSize(msg.requester) + varintSize(msg.exponent) + varintSize(msg.ciphertexts.length) +
        msg.ciphertexts.length * ciphertextBytes + varintSize(4 * msg.census.length) + 4 * msg.census.length;
      break;
    case MessageType.Census:
      size += 1 + varintSize(4 * msg.census.length) + 4 * msg.census.length;
      break;
    case MessageType.PartialDecryption:
      size += varintSize(msg.holder) + varintSize(msg.values.length) + msg.values.length * ciphertextBytes;
      break;
    case MessageType.Centroids: {
      const T = msg.centroids[0]?.length ?? 0;
      size += 1 + 8 + (msg.priorInertia !== undefined ? 8 : 0) + varintSize(msg.centroids.length) + varintSize(T) + msg.centroids.length * T * 8;
      break;
    }
    case MessageType.KeyShare:
      size += varintSize(msg.index) + varintSize(msg.holders) + varintSize(msg.threshold) + varintSize(msg.bits) +
        2 * ciphertextBytes;
      break;
  }
  return size;
}

function readCiphertexts(r: WireReader, ctx: DecodeContext): bigint[] {
  const count = r.varint('ciphertext count', 1 << 20);
  if (count !== ctx.ciphertextCount) throw new Drop('bad-count', `expected ${ctx.ciphertextCount} ciphertexts, got ${count}`);
  if (count * ctx.ciphertextBytes > r.remaining) throw new Drop('malformed', 'truncated ciphertexts');
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const c = r.bigint(ctx.ciphertextBytes, 'ciphertext');
    if (!ctx.isValidCiphertext(c)) throw new Drop('bad-ciphertext', `ciphertext ${i} out of range`);
    out.push(c);
  }
  return out;
}

/** A census field: exactly censusBytes(N) bytes in a round with a census, none otherwise. */
function readCensus(r: WireReader, ctx: DecodeContext): Census {
  const expected = ctx.census ? censusBytes(ctx.members) : 0;
  const bytes = r.byteString(expected, 'census');
  if (bytes.length !== expected) throw new Drop('bad-shape', `census of ${bytes.length} bytes, expected ${expected}`);
  if (!ctx.census) return new Uint32Array(0);
  const c = censusFromBytes(bytes, ctx.members);
  if (!c) throw new Drop('bad-shape', `census names a member beyond the round's ${ctx.members}`);
  return c;
}

function readHolder(r: WireReader, ctx: DecodeContext, what: string): number {
  const h = r.varint(what);
  if (h < 1 || h > ctx.holders) throw new Drop('bad-shape', `${what} ${h} outside 1..${ctx.holders}`);
  return h;
}

/** Why `census` is not a census of this round (empty when the round has none), or null. */
function censusProblem(census: unknown, ctx: DecodeContext): string | null {
  if (!ctx.census) return census instanceof Uint32Array && census.length === 0 ? null : 'census in a round without one';
  return isValidCensus(census, ctx.members) ? null : `census is not a bitset of ${ctx.members} members`;
}

/** Checks the semantic validity of a decoded message object against `ctx` (used by both paths). */
export function validateMessage(msg: ChiaroscuroMessage, ctx: DecodeContext): DecodeResult {
  if (msg.round !== ctx.round) return { ok: false, reason: 'wrong-round', detail: `round ${JSON.stringify(msg.round)}` };
  if (msg.iteration < ctx.minIteration) return { ok: false, reason: 'stale-iteration', detail: `iteration ${msg.iteration} < ${ctx.minIteration}` };
  if (msg.iteration > ctx.maxIteration) return { ok: false, reason: 'future-iteration', detail: `iteration ${msg.iteration} > ${ctx.maxIteration}` };
  switch (msg.type) {
    case MessageType.GossipPush:
    case MessageType.DecryptRequest: {
      const bad = censusProblem(msg.census, ctx);
      if (bad) return { ok: false, reason: 'bad-shape', detail: bad };
      if (msg.ciphertexts.length !== ctx.ciphertextCount) return { ok: false, reason: 'bad-count', detail: `${msg.ciphertexts.length} ciphertexts` };
      if (!Number.isInteger(msg.exponent) || msg.exponent < 0 || msg.exponent > MAX_GOSSIP_EXPONENT) {
        return { ok: false, reason: 'bad-shape', detail: `exponent ${msg.exponent}` };
      }
      for (const c of msg.ciphertexts) if (!ctx.isValidCiphertext(c)) return { ok: false, reason: 'bad-ciphertext', detail: 'ciphertext out of range' };
      if (msg.type === MessageType.DecryptRequest && (msg.requester < 1 || msg.requester > ctx.holders)) {
        return { ok: false, reason: 'bad-shape', detail: `requester ${msg.requester}` };
      }
      break;
    }
    case MessageType.PartialDecryption:
      if (msg.holder < 1 || msg.holder > ctx.holders) return { ok: false, reason: 'bad-shape', detail: `holder ${msg.holder}` };
      if (msg.values.length !== ctx.ciphertextCount) return { ok: false, reason: 'bad-count', detail: `${msg.values.length} partials` };
      for (const v of msg.values) if (!ctx.isValidPartial(v)) return { ok: false, reason: 'bad-ciphertext', detail: 'partial out of range' };
      break;
    case MessageType.Centroids:
      if (msg.stopReason !== undefined && (!msg.final || !STOP_REASONS.includes(msg.stopReason))) {
        return { ok: false, reason: 'bad-shape', detail: `stop reason ${String(msg.stopReason)}` };
      }
      if (msg.centroids.length > ctx.k) return { ok: false, reason: 'bad-shape', detail: `${msg.centroids.length} centroids > k` };
      for (const c of msg.centroids) {
        if (c.length !== ctx.T) return { ok: false, reason: 'bad-shape', detail: `centroid length ${c.length} ≠ T` };
        for (const v of c) if (!Number.isFinite(v)) return { ok: false, reason: 'bad-shape', detail: 'non-finite centroid value' };
      }
      if (!Number.isFinite(msg.epsilonSpent) || msg.epsilonSpent < 0) return { ok: false, reason: 'bad-shape', detail: 'epsilonSpent' };
      if (msg.priorInertia !== undefined && !(Number.isFinite(msg.priorInertia) && msg.priorInertia >= 0)) {
        return { ok: false, reason: 'bad-shape', detail: 'priorInertia' };
      }
      break;
    case MessageType.Census: {
      if (!ctx.census) return { ok: false, reason: 'unexpected', detail: 'census in a round without one' };
      const bad = censusProblem(msg.census, ctx);
      if (bad) return { ok: false, reason: 'bad-shape', detail: bad };
      if (typeof msg.reply !== 'boolean') return { ok: false, reason: 'bad-shape', detail: 'census reply flag' };
      break;
    }
    case MessageType.KeyShare:
      if (msg.holders !== ctx.holders || msg.index < 1 || msg.index > msg.holders || msg.threshold < 1 || msg.threshold > msg.holders) {
        return { ok: false, reason: 'bad-shape', detail: `share ${msg.index}/${msg.threshold}/${msg.holders}` };
      }
      break;
  }
  return { ok: true, msg };
}

/** Decodes and validates one frame; never throws. */
export function decodeMessage(frame: Uint8Array, ctx: DecodeContext): DecodeResult {
  if (!(frame instanceof Uint8Array)) return { ok: false, reason: 'malformed', detail: 'frame is not bytes' };
  if (frame.length > ctx.maxFrameBytes) return { ok: false, reason: 'oversize', detail: `${frame.length} bytes > ${ctx.maxFrameBytes}` };
  try {
    const r = new WireReader(frame);
    const version = r.u8('version');
    if (version !== CHIAROSCURO_WIRE_VERSION) return { ok: false, reason: 'version', detail: `version ${version}` };
    const type = r.u8('type');
    const round = r.string(MAX_ROUND_ID_BYTES, 'round');
    if (round !== ctx.round) return { ok: false, reason: 'wrong-round', detail: `round ${JSON.stringify(round)}` };
    const iteration = r.varint('iteration');
    let msg: ChiaroscuroMessage;
    switch (type) {
      case MessageType.GossipPush: {
        const exponent = r.varint('exponent', MAX_GOSSIP_EXPONENT);
        const ciphertexts = readCiphertexts(r, ctx);
        msg = { type, round, iteration, exponent, ciphertexts, census: readCensus(r, ctx) };
        break;
      }
      case MessageType.DecryptRequest: {
        const requester = readHolder(r, ctx, 'requester');
        const exponent = r.varint('exponent', MAX_GOSSIP_EXPONENT);
        const ciphertexts = readCiphertexts(r, ctx);
        msg = { type, round, iteration, requester, exponent, ciphertexts, census: readCensus(r, ctx) };
        break;
      }
      case MessageType.Census: {
        const flag = r.u8('reply');
        if (flag > 1) throw new Drop('malformed', `census reply flag ${flag}`);
        msg = { type, round, iteration, reply: flag === 1, census: readCensus(r, ctx) };
        break;
      }
      case MessageType.PartialDecryption: {
        const holder = readHolder(r, ctx, 'holder');
        const count = r.varint('partial count', 1 << 20);
        if (count !== ctx.ciphertextCount) throw new Drop('bad-count', `expected ${ctx.ciphertextCount} partials, got ${count}`);
        if (count * ctx.ciphertextBytes > r.remaining) throw new Drop('malformed', 'truncated partials');
        const values: bigint[] = [];
        for (let i = 0; i < count; i++) {
          const v = r.bigint(ctx.ciphertextBytes, 'partial');
          if (!ctx.isValidPartial(v)) throw new Drop('bad-ciphertext', `partial ${i} out of range`);
          values.push(v);
        }
        msg = { type, round, iteration, holder, values };
        break;
      }
      case MessageType.Centroids: {
        // 0 = go on, 1 = final (reason unspecified), 2 + i = final because of STOP_REASONS[i];
        // bit 7: a prior-inertia estimate follows ε.
        const byte = r.u8('final');
        const flag = byte & ~HAS_PRIOR_INERTIA;
        if (flag > 1 + STOP_REASONS.length) throw new Drop('malformed', `final flag ${flag}`);
        const epsilonSpent = r.f64('epsilonSpent');
        const priorInertia = byte & HAS_PRIOR_INERTIA ? r.f64('priorInertia') : undefined;
        const k = r.varint('k', 1 << 16);
        const T = r.varint('T', 1 << 16);
        if (k > ctx.k) throw new Drop('bad-shape', `${k} centroids > k = ${ctx.k}`);
        if (k > 0 && T !== ctx.T) throw new Drop('bad-shape', `T ${T} ≠ ${ctx.T}`);
        if (k * T * 8 > r.remaining) throw new Drop('malformed', 'truncated centroids');
        const centroids: Float64Array[] = [];
        for (let j = 0; j < k; j++) {
          const c = new Float64Array(T);
          for (let i = 0; i < T; i++) c[i] = r.f64('centroid value');
          centroids.push(c);
        }
        const reason = flag >= 2 ? STOP_REASONS[flag - 2] : undefined;
        msg = {
          type, round, iteration, final: flag >= 1, epsilonSpent, centroids,
          ...(reason ? { stopReason: reason } : {}), ...(priorInertia !== undefined ? { priorInertia } : {}),
        };
        break;
      }
      case MessageType.KeyShare: {
        const index = r.varint('index');
        const holders = r.varint('holders');
        const threshold = r.varint('threshold');
        const bits = r.varint('bits', 4096);
        const n = r.bigint(ctx.ciphertextBytes, 'n');
        const secret = r.bigint(ctx.ciphertextBytes, 'secret');
        msg = { type, round, iteration, index, holders, threshold, bits, n, secret };
        break;
      }
      default:
        return { ok: false, reason: 'unknown-type', detail: `type ${type}` };
    }
    r.end();
    return validateMessage(msg, ctx);
  } catch (err) {
    if (err instanceof Drop) return { ok: false, reason: err.reason, detail: err.message };
    if (err instanceof WireError) return { ok: false, reason: 'malformed', detail: err.message };
    return { ok: false, reason: 'malformed', detail: String(err) };
  }
}
