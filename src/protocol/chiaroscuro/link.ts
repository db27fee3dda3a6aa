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
  return {
    self: transport.self,
    neighbours: () => transport.neighbours(),
    send(to, msg) {
      transport.send(to, encodeMessage(msg, ciphertextBytes));
    },
  };
}
