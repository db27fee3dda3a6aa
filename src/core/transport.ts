/**
 * The only thing protocols know about the network. Implemented by the in-memory transport
 * (simulator, tests) and the WebRTC transport (tabs). Frames are opaque bytes: every protocol
 * encodes its messages with its own versioned codec and validates what it receives.
 * @module
 */

/** Opaque, stable identifier of a participant within one round. */
export type PeerId = string;

/** A best-effort, unordered datagram link to a changing set of neighbours. */
export interface Transport {
  /** This participant's id. */
  readonly self: PeerId;
  /** Neighbours currently reachable (the overlay view). May change between calls. */
  neighbours(): readonly PeerId[];
  /**
   * Sends one frame to a neighbour. Delivery is not guaranteed (loss, closed tab): protocols must
   * tolerate a lost frame. Throws RangeError if the frame exceeds {@link MAX_FRAME_BYTES}.
   */
  send(to: PeerId, frame: Uint8Array): void;
  /** Registers the single frame handler. Handlers must never throw on malformed input. */
  onFrame(handler: (from: PeerId, frame: Uint8Array) => void): void;
  /** Stops delivering frames and releases resources. */
  close(): void;
}

/** Upper bound on one frame; a larger one is refused by senders and dropped by receivers. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
