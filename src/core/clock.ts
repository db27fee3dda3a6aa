/**
 * Time as protocols see it: virtual in the simulator (discrete events), real in tabs.
 * Protocol state machines never call setTimeout or Date.now directly.
 * @module
 */

/** Cancels a scheduled callback; calling it twice is harmless. */
export type Cancel = () => void;

/** A source of time and timers. */
export interface Clock {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds (virtual or real). */
  setTimer(ms: number, fn: () => void): Cancel;
}

/** The real clock for browsers and Node. */
export function realClock(): Clock {
  return {
    now: () => performance.now(),
    setTimer(ms, fn) {
      const id = setTimeout(fn, ms);
      return () => clearTimeout(id);
    },
  };
}
