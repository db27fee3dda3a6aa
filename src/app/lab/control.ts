/**
 * Keeps a lab run (the whole simulator in the page's main thread) stoppable and the page responsive:
 * a {@link CryptoBackend} decorator that rejects every operation once the run is aborted (participants
 * then stall, the virtual clock drains and the simulator returns), and that hands the event loop back
 * to the page regularly when the inner backend computes in this thread.
 * @module
 */
import type { CryptoBackend } from '../../protocol/crypto-backend';

/** Resolves on the next macrotask (MessageChannel: no 4 ms setTimeout clamp), so the page can paint. */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { ch.port1.close(); resolve(); };
    ch.port2.postMessage(null);
  });
}

/** The error a stopped lab run rejects with. */
export function abortError(): DOMException {
  return new DOMException('Lab run stopped', 'AbortError');
}

/** Options of {@link controlledBackend}. */
export interface ControlOptions {
  /** Aborting it makes every later operation reject with an AbortError. */
  signal?: AbortSignal;
  /** Yield to the page when this many ms passed since the last yield (default 40; Infinity = never). */
  yieldEveryMs?: number;
  /** Clock (default performance.now). */
  now?: () => number;
}

/**
 * Wraps `inner`: same keys, moduli and results; every async operation first checks `signal` and, at
 * most every `yieldEveryMs`, awaits {@link yieldToPage}.
 * @throws RangeError if yieldEveryMs is not a positive number
 */
export function controlledBackend(inner: CryptoBackend, options: ControlOptions = {}): CryptoBackend {
  const every = options.yieldEveryMs ?? 40;
  if (!(every > 0)) throw new RangeError(`controlledBackend: yieldEveryMs must be > 0, got ${String(every)}`);
  const now = options.now ?? (() => performance.now());
  const { signal } = options;
  let last = now();
  const gate = async <T>(op: () => Promise<T>): Promise<T> => {
    if (signal?.aborted) throw abortError();
    if (now() - last >= every) {
      await yieldToPage();
      last = now();
      if (signal?.aborted) throw abortError();
    }
    return op();
  };
  return {
    name: inner.name,
    plaintextModulus: inner.plaintextModulus,
    ciphertextModulus: inner.ciphertextModulus,
    ciphertextBytes: inner.ciphertextBytes,
    encryptVector: (p) => gate(() => inner.encryptVector(p)),
    addVectors: (a, b) => gate(() => inner.addVectors(a, b)),
    mulConstVector: (c, k) => gate(() => inner.mulConstVector(c, k)),
    scaleByPowerOfTwo: (c, e) => gate(() => inner.scaleByPowerOfTwo(c, e)),
    mergeScaled: (a, ea, b, eb) => gate(() => inner.mergeScaled(a, ea, b, eb)),
    partialDecryptVector: (s, c) => gate(() => inner.partialDecryptVector(s, c)),
    combineVector: (pk, parts) => gate(() => inner.combineVector(pk, parts)),
    isValidCiphertext: (c) => inner.isValidCiphertext(c),
    isValidPartial: (v) => inner.isValidPartial(v),
    elapsedMs: () => inner.elapsedMs(),
  };
}
