/**
 * The WebRTC {@link Transport}: protocol frames over the mesh's reliable links. Neighbours are the
 * overlay view; a frame for a round member without a direct link (a key holder, the aggregator) is
 * relayed by the round's hub, which links to every member. Relayed frames carry the original sender,
 * stamped by the hub from the link it arrived on, so a member cannot forge another's id.
 * @module
 */
import { MAX_FRAME_BYTES, type PeerId, type Transport } from '../core/transport';
import { Channel } from './codec';
import type { Mesh } from './mesh';
import { createTaskQueue } from './scheduler';
import { isValidPeerId } from './signalling';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Why a protocol payload was dropped by the transport. */
export type TransportDrop = 'empty' | 'kind' | 'relay-header' | 'relay-not-hub' | 'no-route' | 'oversize';

/** Options of {@link createWebRtcTransport}. */
export interface WebRtcTransportOptions {
  mesh: Mesh;
  /** The round hub (creator); equal to `mesh.self` on the hub itself. */
  hub: PeerId;
  /** The gossip view (overlay neighbours currently linked). */
  neighbours: () => readonly PeerId[];
}

/** The transport plus its drop counters. */
export interface WebRtcTransport extends Transport {
  readonly drops: Partial<Record<TransportDrop, number>>;
  /** Feeds a protocol-channel payload received from `from` (the session routes mesh messages here). */
  receive(from: PeerId, payload: Uint8Array): void;
}

function relayFrame(to: PeerId, from: PeerId, frame: Uint8Array): Uint8Array {
  const t = enc.encode(to), f = enc.encode(from);
  const out = new Uint8Array(3 + t.length + f.length + frame.length);
  out[0] = 1; out[1] = t.length; out.set(t, 2); out[2 + t.length] = f.length; out.set(f, 3 + t.length);
  out.set(frame, 3 + t.length + f.length);
  return out;
}

/** Creates the transport of one participant. */
export function createWebRtcTransport(opts: WebRtcTransportOptions): WebRtcTransport {
  const { mesh, hub } = opts;
  const self = mesh.self;
  const drops: Partial<Record<TransportDrop, number>> = {};
  let handler: (from: PeerId, frame: Uint8Array) => void = () => {};
  let closed = false;
  // One frame per macrotask, in and out: a burst (a flood of centroids, gossip from several
  // neighbours) must not become one long main-thread task.
  const tasks = createTaskQueue();
  const drop = (r: TransportDrop): void => { drops[r] = (drops[r] ?? 0) + 1; };

  const deliver = (from: PeerId, frame: Uint8Array): void => {
    if (closed) return;
    tasks.push(() => {
      if (closed) return;
      try { handler(from, frame); } catch { /* handlers must not throw; never let one kill the link */ }
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
        if (mesh.has(to)) {
          const out = new Uint8Array(frame.length + 1);
          out.set(frame, 1);
          mesh.send(to, Channel.Protocol, out);
        } else if (self !== hub && mesh.has(hub)) {
          mesh.send(hub, Channel.Protocol, relayFrame(to, self, frame));
        } else {
          drop('no-route');
        }
      });
    },
    onFrame(fn) { handler = fn; },
    receive(from, payload) {
      if (payload.length === 0) return drop('empty');
      if (payload[0] === 0) return deliver(from, payload.subarray(1));
      if (payload[0] !== 1) return drop('kind');
      const tl = payload[1] ?? 0;
      const to = dec.decode(payload.subarray(2, 2 + tl));
      const fl = payload[2 + tl] ?? 0;
      const claimed = dec.decode(payload.subarray(3 + tl, 3 + tl + fl));
      const frame = payload.subarray(3 + tl + fl);
      if (payload.length < 3 + tl + fl || !isValidPeerId(to) || !isValidPeerId(claimed)) return drop('relay-header');
      if (self === hub) {
        // First hop: the sender is whoever sent it on this link, whatever it claims.
        if (to === self) return deliver(from, frame);
        if (!mesh.has(to)) return drop('no-route');
        mesh.send(to, Channel.Protocol, relayFrame(to, from, frame));
        return;
      }
      // Second hop: only the hub may speak for another member.
      if (from !== hub || to !== self) return drop('relay-not-hub');
      deliver(claimed, frame);
    },
    close() { closed = true; tasks.close(); },
  };
}
