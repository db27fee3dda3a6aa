/**
 * A reliable message link over one data channel: chunking, acknowledgement + retry, duplicate
 * suppression, backpressure on `bufferedAmount`, and validation of everything received (bad frames
 * are counted by reason, never thrown). Written against {@link RawChannel} so it runs in Node tests
 * with a fake channel and in tabs over an RTCDataChannel ({@link fromDataChannel}).
 * @module
 */
import type { Clock, Cancel } from '../core/clock';
import { Channel, decodeFrame, encodeAck, encodeMessage, MAX_MESSAGE_BYTES, type DropReason } from './codec';

/** The few things a link needs from a data channel. */
export interface RawChannel {
  /** Sends one binary message; may throw if the channel closed. */
  send(bytes: Uint8Array): void;
  /** Bytes queued but not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Installs the single handler of each event. */
  onMessage(fn: (data: unknown) => void): void;
  onBufferedAmountLow(fn: () => void): void;
  onClose(fn: () => void): void;
  close(): void;
}

/** Tunables of a {@link Link}. */
export interface LinkOptions {
  /** First retry after this many ms without an ACK (doubles per attempt). Default 3000. */
  ackTimeoutMs?: number;
  /** Attempts before a message is given up (counted in `stats.unacked`). Default 4. */
  maxAttempts?: number;
  /** Stop sending while `bufferedAmount` exceeds this. Default 1 MiB. */
  highWaterMark?: number;
  /** Resume below this (`bufferedAmountLowThreshold`). Default 256 KiB. */
  lowWaterMark?: number;
  /** Messages queued locally (not yet on the channel) before `send` refuses. Default 4096. */
  maxQueued?: number;
}

/** Counters of one link. */
export interface LinkStats {
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  retries: number;
  unacked: number;
  duplicates: number;
  /** Received frames dropped, by reason. */
  dropped: Partial<Record<DropReason | 'reassembly-limit' | 'oversize', number>>;
}

interface Pending { chunks: Uint8Array[]; attempts: number; cancel: Cancel | null }
interface Partial_ { count: number; parts: (Uint8Array | undefined)[]; received: number; bytes: number; channel: Channel }

const DEDUPE_WINDOW = 4096;
const MAX_REASSEMBLIES = 8;

/** A reliable, message-oriented link. Create with {@link createLink}. */
export interface Link {
  /** Queues a message (RangeError above {@link MAX_MESSAGE_BYTES}; Error when closed or the queue is full). */
  send(channel: Channel, payload: Uint8Array): void;
  /** Installs the single handler of complete, deduplicated messages. */
  onMessage(fn: (channel: Channel, payload: Uint8Array) => void): void;
  /** Installs the single close handler (remote close, local close, or channel failure). */
  onClose(fn: () => void): void;
  /** Messages sent but not acknowledged yet. */
  inFlight(): number;
  readonly stats: LinkStats;
  readonly closed: boolean;
  close(): void;
}

/** Wraps a raw channel into a reliable {@link Link}. */
export function createLink(raw: RawChannel, clock: Clock, opts: LinkOptions = {}): Link {
  const ackTimeoutMs = opts.ackTimeoutMs ?? 3000;
  const maxAttempts = opts.maxAttempts ?? 4;
  const high = opts.highWaterMark ?? 1024 * 1024;
  const maxQueued = opts.maxQueued ?? 4096;
  const stats: LinkStats = { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0, retries: 0, unacked: 0, duplicates: 0, dropped: {} };
  const pending = new Map<number, Pending>();
  const reassembly = new Map<number, Partial_>();
  const delivered = new Set<number>();
  const deliveredOrder: number[] = [];
  const queue: Uint8Array[] = [];
  let nextId = 1;
  let closed = false;
  let onMsg: (channel: Channel, payload: Uint8Array) => void = () => {};
  let onClosed: () => void = () => {};

  const drop = (reason: keyof LinkStats['dropped']): void => { stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1; };

  const pump = (): void => {
    while (!closed && queue.length > 0 && raw.bufferedAmount <= high) {
      const bytes = queue.shift()!;
      try { raw.send(bytes); } catch { shutdown(); return; }
      stats.bytesSent += bytes.length;
    }
  };
  const enqueue = (bytes: Uint8Array): void => { queue.push(bytes); pump(); };

  const arm = (id: number, p: Pending): void => {
    p.cancel = clock.setTimer(ackTimeoutMs * 2 ** (p.attempts - 1), () => {
      if (closed || !pending.has(id)) return;
      if (p.attempts >= maxAttempts) { pending.delete(id); stats.unacked++; return; }
      p.attempts++;
      stats.retries++;
      for (const c of p.chunks) enqueue(c);
      arm(id, p);
    });
  };

  const remember = (id: number): void => {
    delivered.add(id);
    deliveredOrder.push(id);
    if (deliveredOrder.length > DEDUPE_WINDOW) delivered.delete(deliveredOrder.shift()!);
  };

  const shutdown = (): void => {
    if (closed) return;
    closed = true;
    for (const p of pending.values()) p.cancel?.();
    pending.clear();
    reassembly.clear();
    queue.length = 0;
    try { raw.close(); } catch { /* already closed */ }
    onClosed();
  };

  raw.onBufferedAmountLow(pump);
  raw.onClose(shutdown);
  raw.onMessage((data) => {
    if (closed) return;
    const res = decodeFrame(data);
    if (!res.ok) { drop(res.reason); return; }
    const f = res.frame;
    if (f.kind === 'ack') {
      stats.bytesReceived += 8;
      const p = pending.get(f.id);
      if (p) { p.cancel?.(); pending.delete(f.id); }
      return;
    }
    stats.bytesReceived += 12 + f.payload.length;
    if (delivered.has(f.id)) {
      // A retry of something we already delivered: our ACK was lost or late; ACK again, deliver once.
      if (f.index === f.count - 1) { stats.duplicates++; enqueue(encodeAck(f.id)); }
      return;
    }
    let part = reassembly.get(f.id);
    if (!part) {
      if (f.count === 1) { complete(f.id, f.channel, f.payload); return; }
      if (reassembly.size >= MAX_REASSEMBLIES) { drop('reassembly-limit'); return; }
      part = { count: f.count, parts: new Array<Uint8Array | undefined>(f.count), received: 0, bytes: 0, channel: f.channel };
      reassembly.set(f.id, part);
    }
    if (part.count !== f.count || part.channel !== f.channel) { drop('chunk-count'); return; }
    if (part.parts[f.index]) return; // retried chunk
    part.parts[f.index] = f.payload.slice();
    part.received++;
    part.bytes += f.payload.length;
    if (part.bytes > MAX_MESSAGE_BYTES) { reassembly.delete(f.id); drop('oversize'); return; }
    if (part.received === part.count) {
      reassembly.delete(f.id);
      const out = new Uint8Array(part.bytes);
      let off = 0;
      for (const p of part.parts) { out.set(p!, off); off += p!.length; }
      complete(f.id, part.channel, out);
    }
  });

  function complete(id: number, channel: Channel, payload: Uint8Array): void {
    remember(id);
    enqueue(encodeAck(id));
    stats.messagesReceived++;
    try { onMsg(channel, payload); } catch { /* a handler bug must not kill the link */ }
  }

  return {
    send(channel, payload) {
      if (closed) throw new Error('link: closed');
      if (queue.length >= maxQueued) throw new Error(`link: send queue full (${maxQueued} messages)`);
      const id = nextId;
      nextId = nextId >= 0xffffffff ? 1 : nextId + 1;
      const chunks = encodeMessage(channel, id, payload);
      const p: Pending = { chunks, attempts: 1, cancel: null };
      pending.set(id, p);
      stats.messagesSent++;
      for (const c of chunks) enqueue(c);
      arm(id, p);
    },
    onMessage(fn) { onMsg = fn; },
    onClose(fn) { onClosed = fn; },
    inFlight: () => pending.size,
    stats,
    get closed() { return closed; },
    close: shutdown,
  };
}

/** Adapts a browser RTCDataChannel (binaryType set to arraybuffer) to a {@link RawChannel}. */
export function fromDataChannel(dc: RTCDataChannel, lowWaterMark = 256 * 1024): RawChannel {
  dc.binaryType = 'arraybuffer';
  dc.bufferedAmountLowThreshold = lowWaterMark;
  return {
    send: (bytes) => dc.send(bytes as Uint8Array<ArrayBuffer>),
    get bufferedAmount() { return dc.bufferedAmount; },
    onMessage(fn) { dc.onmessage = (e) => fn(e.data); },
    onBufferedAmountLow(fn) { dc.onbufferedamountlow = fn; },
    onClose(fn) { dc.onclose = fn; dc.onerror = fn; },
    close: () => dc.close(),
  };
}
