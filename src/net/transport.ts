/**
 * The WebRTC {@link Transport}: protocol frames over the mesh's reliable links. Neighbours are the
 * overlay view. A frame for a member without a link (a key holder whose link dropped, the aggregator
 * of a reloaded holder) opens one on demand: it waits in a small per-peer queue while the mesh
 * dials, and is dropped with a reason if the dial fails. No member relays another's frames, so the
 * round has no hub to fail once it runs.
 * @module
 */
import { MAX_FRAME_BYTES, type PeerId, type Transport } from '../core/transport';
import { Channel } from './codec';
import type { Mesh } from './mesh';
import { createTaskQueue } from './scheduler';

/** Why a protocol payload was dropped by the transport. */
export type TransportDrop = 'empty' | 'kind' | 'no-route' | 'queue-full';

/** Frames kept per peer while a link to it is being dialled. */
export const MAX_QUEUED_FRAMES = 64;

/** Options of {@link createWebRtcTransport}. */
export interface WebRtcTransportOptions {
  mesh: Mesh;
  /** The gossip view (overlay neighbours currently linked). */
  neighbours: () => readonly PeerId[];
  /** Called when a link was opened on demand for a frame (the overlay records it). */
  onDialed?: (peer: PeerId, ok: boolean) => void;
}

/** The transport plus its drop counters. */
export interface WebRtcTransport extends Transport {
  readonly drops: Partial<Record<TransportDrop, number>>;
  /** Feeds a protocol-channel payload received from `from` (the session routes mesh messages here). */
  receive(from: PeerId, payload: Uint8Array): void;
}

/** Creates the transport of one participant. */
export function createWebRtcTransport(opts: WebRtcTransportOptions): WebRtcTransport {
  const { mesh } = opts;
  const self = mesh.self;
  const drops: Partial<Record<TransportDrop, number>> = {};
  let handler: (from: PeerId, frame: Uint8Array) => void = () => {};
  let closed = false;
  // One frame per macrotask, in and out: a burst (a flood of centroids, gossip from several
  // neighbours) must not become one long main-thread task.
  const tasks = createTaskQueue();
  const drop = (r: TransportDrop): void => { drops[r] = (drops[r] ?? 0) + 1; };
  const waiting = new Map<PeerId, Uint8Array[]>();

  const deliver = (from: PeerId, frame: Uint8Array): void => {
    if (closed) return;
    tasks.push(() => {
      if (closed) return;
      try { handler(from, frame); } catch { /* handlers must not throw; never let one kill the link */ }
    });
  };

  const wrap = (frame: Uint8Array): Uint8Array => {
    const out = new Uint8Array(frame.length + 1);
    out.set(frame, 1); // kind 0: a direct frame (1 was the retired hub relay)
    return out;
  };

  /** Queues `frame` for `to` and dials it once; flushes or drops the queue when the dial settles. */
  const sendOnDemand = (to: PeerId, frame: Uint8Array): void => {
    const q = waiting.get(to);
    if (q) { if (q.length < MAX_QUEUED_FRAMES) q.push(frame); else drop('queue-full'); return; }
    waiting.set(to, [frame]);
    void mesh.connect(to).catch(() => false).then((ok) => {
      const frames = waiting.get(to) ?? [];
      waiting.delete(to);
      opts.onDialed?.(to, ok);
      for (const f of frames) if (closed || !ok || !mesh.send(to, Channel.Protocol, wrap(f))) drop('no-route');
    });
  };

  return {
    self,
    drops,
    neighbours: opts.neighbours,
    send(to, frame) {
      if (frame.length > MAX_FRAME_BYTES) throw new RangeError(`transport: frame of ${frame.length} bytes exceeds ${MAX_FRAME_BYTES}`);
      if (closed) return;
      if (to === self) { queueMicrotask(() => deliver(self, frame)); return; }
      tasks.push(() => {
        if (closed) return;
        if (!mesh.has(to) || !mesh.send(to, Channel.Protocol, wrap(frame))) sendOnDemand(to, frame);
      });
    },
    onFrame(fn) { handler = fn; },
    receive(from, payload) {
      if (payload.length === 0) return drop('empty');
      if (payload[0] !== 0) return drop('kind');
      deliver(from, payload.subarray(1));
    },
    close() { closed = true; tasks.close(); waiting.clear(); },
  };
}
