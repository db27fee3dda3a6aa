/** Test doubles for the net layer: a manual clock and a pair of in-memory raw channels. */
import type { Clock } from '../../../src/core/clock';
import type { RawChannel } from '../../../src/net/link';

export interface ManualClock extends Clock { advance(ms: number): void }

export function manualClock(): ManualClock {
  let t = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 0;
  return {
    now: () => t,
    setTimer(ms, fn) {
      const id = nextId++;
      timers.push({ at: t + ms, fn, id });
      return () => { timers = timers.filter((x) => x.id !== id); };
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at || a.id - b.id);
        const first = timers[0];
        if (!first || first.at > end) break;
        timers.shift();
        t = first.at;
        first.fn();
      }
      t = end;
    },
  };
}

/** A raw channel whose sends are captured; `deliver` feeds it received data. */
export interface FakeChannel extends RawChannel {
  sent: Uint8Array[];
  deliver(data: unknown): void;
  buffered: number;
  drain(): void;
  closedByUs: boolean;
  remoteClose(): void;
}

export function fakeChannel(): FakeChannel {
  let onMsg: (d: unknown) => void = () => {};
  let onLow: () => void = () => {};
  let onClose: () => void = () => {};
  const ch: FakeChannel = {
    sent: [],
    buffered: 0,
    closedByUs: false,
    send(bytes) { ch.sent.push(bytes.slice()); },
    get bufferedAmount() { return ch.buffered; },
    onMessage(fn) { onMsg = fn; },
    onBufferedAmountLow(fn) { onLow = fn; },
    onClose(fn) { onClose = fn; },
    close() { ch.closedByUs = true; },
    deliver(d) { onMsg(d); },
    drain() { ch.buffered = 0; onLow(); },
    remoteClose() { onClose(); },
  };
  return ch;
}

/** Connects two fake channels so each one's sends arrive at the other (optionally dropping some). */
export function wire(a: FakeChannel, b: FakeChannel, lose: (bytes: Uint8Array) => boolean = () => false): () => number {
  let moved = 0;
  return () => {
    let again = true;
    while (again) {
      again = false;
      for (const [from, to] of [[a, b], [b, a]] as const) {
        const batch = from.sent.splice(0);
        for (const m of batch) { again = true; moved++; if (!lose(m)) to.deliver(m); }
      }
    }
    return moved;
  };
}
