/**
 * Link-level binary framing of the WebRTC transport. Every data-channel message is one of:
 *
 * ```
 * DATA  C5 01 01 ch  id:u32  index:u16  count:u16  payload…   (one chunk of a reliable message)
 * ACK   C5 01 02 00  id:u32                                   (message `id` fully received)
 * ```
 * `ch` 0 carries protocol frames (the Transport's opaque bytes), `ch` 1 the net layer's own
 * control messages (overlay, lobby). Messages larger than {@link CHUNK_BYTES} are split into chunks
 * because browsers cap one data-channel message (Chromium at 256 KiB).
 * Decoding never throws: it returns a reason that the link counts.
 * @module
 */
import { MAX_FRAME_BYTES } from '../core/transport';

/** First byte of every frame. */
export const MAGIC = 0xc5;
/** Codec version; a peer speaking another version is dropped frame by frame ('version'). */
export const VERSION = 1;
/** Header bytes of a DATA chunk. */
export const DATA_HEADER_BYTES = 12;
/** Bytes of an ACK frame. */
export const ACK_BYTES = 8;
/** Payload bytes per chunk (well under every browser's data-channel message limit). */
export const CHUNK_BYTES = 64 * 1024;
/** Largest reliable message: one protocol frame plus a little envelope room. */
export const MAX_MESSAGE_BYTES = MAX_FRAME_BYTES + 1024;
/** Chunks of the largest message. */
export const MAX_CHUNKS = Math.ceil(MAX_MESSAGE_BYTES / CHUNK_BYTES);

/** Logical channel of a reliable message. */
export const Channel = { Protocol: 0, Control: 1 } as const;
/** 0 = protocol frames, 1 = control messages. */
export type Channel = (typeof Channel)[keyof typeof Channel];

/** A decoded link frame. */
export type LinkFrame =
  | { kind: 'data'; channel: Channel; id: number; index: number; count: number; payload: Uint8Array }
  | { kind: 'ack'; id: number };

/** Why a received frame was dropped. */
export type DropReason = 'short' | 'magic' | 'version' | 'kind' | 'channel' | 'chunk-index' | 'chunk-count' | 'chunk-size' | 'ack-length' | 'not-binary';

/** Result of {@link decodeFrame}. */
export type DecodeResult = { ok: true; frame: LinkFrame } | { ok: false; reason: DropReason };

function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`codec: message id must be a u32, got ${id}`);
}

/** Encodes one DATA chunk. */
export function encodeData(channel: Channel, id: number, index: number, count: number, payload: Uint8Array): Uint8Array {
  checkId(id);
  if (channel !== Channel.Protocol && channel !== Channel.Control) throw new RangeError(`codec: unknown channel ${String(channel)}`);
  if (!Number.isInteger(count) || count < 1 || count > MAX_CHUNKS) throw new RangeError(`codec: chunk count must be in [1, ${MAX_CHUNKS}], got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`codec: chunk index must be in [0, ${count}), got ${index}`);
  if (!(payload instanceof Uint8Array)) throw new TypeError('codec: payload must be a Uint8Array');
  if (payload.length > CHUNK_BYTES) throw new RangeError(`codec: chunk payload of ${payload.length} bytes exceeds ${CHUNK_BYTES}`);
  const out = new Uint8Array(DATA_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  out[0] = MAGIC; out[1] = VERSION; out[2] = 1; out[3] = channel;
  view.setUint32(4, id); view.setUint16(8, index); view.setUint16(10, count);
  out.set(payload, DATA_HEADER_BYTES);
  return out;
}

/** Encodes an ACK of message `id`. */
export function encodeAck(id: number): Uint8Array {
  checkId(id);
  const out = new Uint8Array(ACK_BYTES);
  out[0] = MAGIC; out[1] = VERSION; out[2] = 2; out[3] = 0;
  new DataView(out.buffer).setUint32(4, id);
  return out;
}

/** Splits a message into DATA chunks. Throws RangeError above {@link MAX_MESSAGE_BYTES}. */
export function encodeMessage(channel: Channel, id: number, payload: Uint8Array): Uint8Array[] {
  if (!(payload instanceof Uint8Array)) throw new TypeError('codec: message must be a Uint8Array');
  if (payload.length > MAX_MESSAGE_BYTES) throw new RangeError(`codec: message of ${payload.length} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  const count = Math.max(1, Math.ceil(payload.length / CHUNK_BYTES));
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) out.push(encodeData(channel, id, i, count, payload.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)));
  return out;
}

/** Converts what a data channel delivers (ArrayBuffer, typed array) to bytes, or null. */
export function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

/** Decodes and validates one received frame; never throws. */
export function decodeFrame(data: unknown): DecodeResult {
  const bytes = toBytes(data);
  if (!bytes) return { ok: false, reason: 'not-binary' };
  if (bytes.length < 4) return { ok: false, reason: 'short' };
  if (bytes[0] !== MAGIC) return { ok: false, reason: 'magic' };
  if (bytes[1] !== VERSION) return { ok: false, reason: 'version' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (bytes[2]) {
    case 1: {
      if (bytes.length < DATA_HEADER_BYTES) return { ok: false, reason: 'short' };
      const channel = bytes[3]!;
      if (channel !== Channel.Protocol && channel !== Channel.Control) return { ok: false, reason: 'channel' };
      const id = view.getUint32(4), index = view.getUint16(8), count = view.getUint16(10);
      if (count < 1 || count > MAX_CHUNKS) return { ok: false, reason: 'chunk-count' };
      if (index >= count) return { ok: false, reason: 'chunk-index' };
      const payload = bytes.subarray(DATA_HEADER_BYTES);
      if (payload.length > CHUNK_BYTES) return { ok: false, reason: 'chunk-size' };
      // Only the last chunk may be short; a short middle chunk means a corrupt or hostile sender.
      if (index < count - 1 && payload.length !== CHUNK_BYTES) return { ok: false, reason: 'chunk-size' };
      return { ok: true, frame: { kind: 'data', channel: channel as Channel, id, index, count, payload } };
    }
    case 2:
      if (bytes.length !== ACK_BYTES) return { ok: false, reason: 'ack-length' };
      return { ok: true, frame: { kind: 'ack', id: view.getUint32(4) } };
    default:
      return { ok: false, reason: 'kind' };
  }
}
