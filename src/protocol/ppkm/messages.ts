/**
 * PPkM wire codec. Frame: magic 0x50 ('P'), version 1, type, round id, then the type's fields.
 * Ciphertexts travel as a count, a byte width and fixed-width big-endian values; the receiver checks
 * the width, count and range against the key and layout it expects (see node.ts). Decoding never
 * throws: a malformed frame yields a reason.
 * @module
 */
import { MAX_FRAME_BYTES } from '../../core/transport';
import { WireError, WireReader, WireWriter } from '../wire';

const MAGIC = 0x50;
const VERSION = 1;
/** Largest modulus accepted on the wire (4096 bits). */
const MAX_MODULUS_BYTES = 512;
/** Largest ciphertext accepted on the wire (n² of a 4096-bit n). */
const MAX_CIPHERTEXT_BYTES = 1024;

/** Message type tags. */
export const MsgType = {
  /** N_i → chosen neighbour: "be my assistant". */
  AssistRequest: 1,
  /** Assistant → N_i: the public key pk_i it generated. */
  AssistKey: 2,
  /** N_i → Γ_i: request (i, l̂) for contributions of iteration l̂ under pk_i. */
  Request: 3,
  /** N_a → N_i: E_pk_i(w_a^(l̂), m_a^(l̂)) in the aggregation layout. */
  Response: 4,
  /** N_i → assistant: masked aggregate under pk_i, and E′(−r) under N_i's division key. */
  Aggregate: 5,
  /** Assistant → N_i: (E′(−r)·E′(s))^λ per division plaintext. */
  DivisionReply: 6,
} as const;

/** A decoded PPkM message. */
export type PpkmMessage =
  | { type: 1; round: number }
  | { type: 2; round: number; n: bigint }
  | { type: 3; round: number; iteration: number; n: bigint }
  | { type: 4; round: number; iteration: number; ciphertexts: CiphertextBlock }
  | { type: 5; round: number; iteration: number; divisionN: bigint; aggregate: CiphertextBlock; division: CiphertextBlock }
  | { type: 6; round: number; iteration: number; ciphertexts: CiphertextBlock };

/** Ciphertexts as received: values and the byte width they were sent with. */
export interface CiphertextBlock {
  readonly width: number;
  readonly values: readonly bigint[];
}

/** Decoding outcome. */
export type DecodeResult = { ok: true; message: PpkmMessage } | { ok: false; reason: string };

function header(w: WireWriter, type: number, round: number): WireWriter {
  return w.u8(MAGIC).u8(VERSION).u8(type).varint(round);
}

function writeModulus(w: WireWriter, n: bigint): void {
  const bytes = Math.ceil(n.toString(16).length / 2);
  w.varint(bytes).bigint(n, bytes);
}

function writeBlock(w: WireWriter, cts: readonly bigint[], width: number): void {
  w.varint(cts.length).varint(width);
  for (const c of cts) w.bigint(c, width);
}

function done(w: WireWriter): Uint8Array {
  const frame = w.finish();
  if (frame.length > MAX_FRAME_BYTES) throw new RangeError(`ppkm: frame of ${frame.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  return frame;
}

/** Encodes a message; `width` is the ciphertext byte width under the relevant key. */
export function encodeAssistRequest(round: number): Uint8Array {
  return done(header(new WireWriter(8), MsgType.AssistRequest, round));
}

/** Encodes the assistant's public key. */
export function encodeAssistKey(round: number, n: bigint): Uint8Array {
  const w = header(new WireWriter(300), MsgType.AssistKey, round);
  writeModulus(w, n);
  return done(w);
}

/** Encodes a request (i, l̂) carrying pk_i's modulus. */
export function encodeRequest(round: number, iteration: number, n: bigint): Uint8Array {
  const w = header(new WireWriter(300), MsgType.Request, round).varint(iteration);
  writeModulus(w, n);
  return done(w);
}

/** Encodes a response of encrypted local values. */
export function encodeResponse(round: number, iteration: number, cts: readonly bigint[], width: number): Uint8Array {
  const w = header(new WireWriter(16 + cts.length * width), MsgType.Response, round).varint(iteration);
  writeBlock(w, cts, width);
  return done(w);
}

/** Encodes N_i's masked aggregate and division request. */
export function encodeAggregate(
  round: number, iteration: number, divisionN: bigint, aggregate: readonly bigint[], aggWidth: number,
  division: readonly bigint[], divWidth: number,
): Uint8Array {
  const w = header(new WireWriter(300 + aggregate.length * aggWidth + division.length * divWidth), MsgType.Aggregate, round).varint(iteration);
  writeModulus(w, divisionN);
  writeBlock(w, aggregate, aggWidth);
  writeBlock(w, division, divWidth);
  return done(w);
}

/** Encodes the assistant's blinded division ciphertexts. */
export function encodeDivisionReply(round: number, iteration: number, cts: readonly bigint[], width: number): Uint8Array {
  const w = header(new WireWriter(16 + cts.length * width), MsgType.DivisionReply, round).varint(iteration);
  writeBlock(w, cts, width);
  return done(w);
}

/** Limits a receiver enforces while decoding. */
export interface DecodeLimits {
  /** Largest iteration number accepted. */
  readonly maxIterations: number;
  /** Largest number of ciphertexts in one block. */
  readonly maxCiphertexts: number;
}

function readModulus(r: WireReader): bigint {
  const bytes = r.varint('modulus length', MAX_MODULUS_BYTES);
  if (bytes < 1) throw new WireError('modulus length: empty');
  return r.bigint(bytes, 'modulus');
}

function readBlock(r: WireReader, limits: DecodeLimits): CiphertextBlock {
  const count = r.varint('ciphertext count', limits.maxCiphertexts);
  const width = r.varint('ciphertext width', MAX_CIPHERTEXT_BYTES);
  if (width < 1) throw new WireError('ciphertext width: zero');
  const values: bigint[] = [];
  for (let i = 0; i < count; i++) values.push(r.bigint(width, 'ciphertext'));
  return { width, values };
}

/** Decodes a frame (never throws). */
export function decodeMessage(frame: Uint8Array, limits: DecodeLimits): DecodeResult {
  if (!(frame instanceof Uint8Array)) return { ok: false, reason: 'frame is not bytes' };
  if (frame.length > MAX_FRAME_BYTES) return { ok: false, reason: `oversize frame (${frame.length} bytes)` };
  try {
    const r = new WireReader(frame);
    if (r.u8('magic') !== MAGIC) return { ok: false, reason: 'not a PPkM frame (magic)' };
    const version = r.u8('version');
    if (version !== VERSION) return { ok: false, reason: `unsupported version ${version}` };
    const type = r.u8('type');
    const round = r.varint('round', 0xffffffff);
    const iteration = (): number => {
      const l = r.varint('iteration', limits.maxIterations);
      if (l < 1) throw new WireError('iteration: must be ≥ 1');
      return l;
    };
    let message: PpkmMessage;
    switch (type) {
      case MsgType.AssistRequest: message = { type, round }; break;
      case MsgType.AssistKey: message = { type, round, n: readModulus(r) }; break;
      case MsgType.Request: { const l = iteration(); message = { type, round, iteration: l, n: readModulus(r) }; break; }
      case MsgType.Response: { const l = iteration(); message = { type, round, iteration: l, ciphertexts: readBlock(r, limits) }; break; }
      case MsgType.Aggregate: {
        const l = iteration();
        const divisionN = readModulus(r);
        const aggregate = readBlock(r, limits);
        message = { type, round, iteration: l, divisionN, aggregate, division: readBlock(r, limits) };
        break;
      }
      case MsgType.DivisionReply: { const l = iteration(); message = { type, round, iteration: l, ciphertexts: readBlock(r, limits) }; break; }
      default: return { ok: false, reason: `unknown message type ${type}` };
    }
    r.end();
    return { ok: true, message };
  } catch (err) {
    if (err instanceof WireError) return { ok: false, reason: err.message };
    return { ok: false, reason: `malformed frame: ${String(err)}` };
  }
}
