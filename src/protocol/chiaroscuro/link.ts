/**
 * How a Chiaroscuro participant talks: a {@link MessageLink} sends typed messages. In tabs and in
 * encrypted simulations {@link codecLink} encodes them into frames over a {@link Transport}; the
 * large plain simulator may pass message objects directly and count bytes with `encodedSize`.
 * @module
 */
import type { PeerId, Transport } from '../../core/transport';
import { encodeMessage } from './messages';
import type { ChiaroscuroMessage } from './messages';

/** A typed, best-effort message link. */
export interface MessageLink {
  readonly self: PeerId;
  /** Current gossip view. */
  neighbours(): readonly PeerId[];
  /** Sends one message (may be lost). Any round member may be addressed (key holders, requester). */
  send(to: PeerId, msg: ChiaroscuroMessage): void;
}

/** A link that encodes every message with the versioned codec and sends the frame. */
export function codecLink(transport: Transport, ciphertextBytes: number): MessageLink {
  // A flood sends the same message object to every neighbour: encode it once. Safe because messages
  // are never mutated after sending and the transport does not keep the frame it is given.
  let lastMsg: ChiaroscuroMessage | null = null;
  let lastFrame: Uint8Array | null = null;
  return {
    self: transport.self,
    neighbours: () => transport.neighbours(),
    send(to, msg) {
      if (msg !== lastMsg || !lastFrame) { lastFrame = encodeMessage(msg, ciphertextBytes); lastMsg = msg; }
      transport.send(to, lastFrame);
    },
  };
}
