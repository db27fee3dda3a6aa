import { describe, expect, it } from 'vitest';
import {
  CHIAROSCURO_WIRE_VERSION, decodeMessage, encodedSize, encodeMessage, MessageType, validateMessage,
} from '../../../src/protocol/chiaroscuro/messages';
import type { CensusMsg, CentroidsMsg, ChiaroscuroMessage, DecodeContext, GossipPush } from '../../../src/protocol/chiaroscuro/messages';
import { STOP_REASONS } from '../../../src/core/termination';
import type { StopReason } from '../../../src/core/termination';

const W = 16; // ciphertext width in bytes
const MOD = 1n << 120n; // valid ciphertexts: (0, MOD)
const ctx: DecodeContext = {
  round: 'r1', minIteration: 2, maxIteration: 5, ciphertextCount: 3, ciphertextBytes: W,
  isValidCiphertext: (c) => c > 0n && c < MOD, isValidPartial: (v) => v >= 0n && v < MOD,
  holders: 4, members: 13, census: true, k: 3, T: 2, maxFrameBytes: 1000,
};
const cts = [1n, 12345678901234567890n, MOD - 1n];
// Members 0, 2, 4, 5, 7, 8, 9 and 12 of 13: one word, its bits 13..31 unused.
const census = Uint32Array.of(0b1_0011_1011_0101);
const samples: ChiaroscuroMessage[] = [
  { type: MessageType.GossipPush, round: 'r1', iteration: 3, exponent: 7, ciphertexts: cts, census },
  { type: MessageType.DecryptRequest, round: 'r1', iteration: 3, requester: 2, exponent: 20, ciphertexts: cts, census },
  { type: MessageType.PartialDecryption, round: 'r1', iteration: 4, holder: 4, values: [0n, 5n, MOD - 2n] },
  { type: MessageType.Centroids, round: 'r1', iteration: 5, final: true, epsilonSpent: 0.75, centroids: [Float64Array.of(1.5, -2), Float64Array.of(0, 3)] },
  { type: MessageType.KeyShare, round: 'r1', iteration: 2, index: 3, holders: 4, threshold: 3, bits: 512, n: 99n, secret: 1234n },
  { type: MessageType.Census, round: 'r1', iteration: 4, reply: false, census },
  { type: MessageType.Census, round: 'r1', iteration: 4, reply: true, census: new Uint32Array(1) },
];

describe('Chiaroscuro message codec', () => {
  it('round-trips every message type and encodedSize equals the encoded length', () => {
    for (const m of samples) {
      const bytes = encodeMessage(m, W);
      expect(bytes.length).toBe(encodedSize(m, W));
      const r = decodeMessage(bytes, ctx);
      expect(r).toEqual({ ok: true, msg: m });
    }
  });

  it('carries the stop reason of a final Centroids message in its flag byte (1 = unspecified)', () => {
    const base = samples[3] as CentroidsMsg;
    for (const stopReason of STOP_REASONS) {
      const m: CentroidsMsg = { ...base, stopReason };
      const bytes = encodeMessage(m, W);
      expect(bytes.length).toBe(encodedSize(m, W));
      expect(decodeMessage(bytes, ctx)).toEqual({ ok: true, msg: m });
    }
    const frame = encodeMessage({ ...base, stopReason: 'converged' }, W);
    const plain = encodeMessage(base, W);
    const at = frame.findIndex((b, i) => b !== plain[i]);
    expect(plain[at]).toBe(1);
    frame[at] = 2 + STOP_REASONS.length; // one past the last reason
    expect(decodeMessage(frame, ctx)).toMatchObject({ ok: false, reason: 'malformed' });
    // A reason on a non-final message, or an unknown one, is refused by validation.
    expect(validateMessage({ ...base, final: false, stopReason: 'converged' }, ctx)).toMatchObject({ ok: false, reason: 'bad-shape' });
    expect(validateMessage({ ...base, stopReason: 'bogus' as StopReason }, ctx)).toMatchObject({ ok: false, reason: 'bad-shape' });
  });

  it('carries an optional private inertia estimate (flag bit 7), validated as finite and ≥ 0', () => {
    const base = samples[3] as CentroidsMsg;
    for (const m of [{ ...base, priorInertia: 3.25 }, { ...base, final: false, priorInertia: 0 }, { ...base, stopReason: 'converged' as const, priorInertia: 1e9 }]) {
      const bytes = encodeMessage(m, W);
      expect(bytes.length).toBe(encodedSize(m, W));
      expect(decodeMessage(bytes, ctx)).toEqual({ ok: true, msg: m });
    }
    expect(encodeMessage({ ...base, priorInertia: 1 }, W).length).toBe(encodeMessage(base, W).length + 8);
    for (const bad of [-1, Number.NaN, Infinity]) {
      expect(validateMessage({ ...base, priorInertia: bad }, ctx)).toMatchObject({ ok: false, reason: 'bad-shape' });
      expect(decodeMessage(encodeMessage({ ...base, priorInertia: bad }, W), ctx)).toMatchObject({ ok: false }); // non-finite: malformed; negative: bad-shape
    }
  });

  const push = samples[0] as GossipPush;
  const reasonOf = (frame: Uint8Array, c: DecodeContext = ctx): string => {
    const r = decodeMessage(frame, c);
    return r.ok ? 'ok' : r.reason;
  };

  it('drops malformed frames with a typed reason instead of throwing', () => {
    const good = encodeMessage(push, W);
    expect(reasonOf(good.subarray(0, good.length - 1))).toBe('malformed');
    expect(reasonOf(new Uint8Array(0))).toBe('malformed');
    expect(reasonOf(Uint8Array.of(...good, 0))).toBe('malformed'); // trailing byte
    expect(reasonOf('not bytes' as unknown as Uint8Array)).toBe('malformed');
    const v = good.slice(); v[0] = CHIAROSCURO_WIRE_VERSION + 1;
    expect(reasonOf(v)).toBe('version');
    const t = good.slice(); t[1] = 99;
    expect(reasonOf(t)).toBe('unknown-type');
  });

  it('drops wrong round, stale and future iterations', () => {
    expect(reasonOf(encodeMessage({ ...push, round: 'r2' }, W))).toBe('wrong-round');
    expect(reasonOf(encodeMessage({ ...push, iteration: 1 }, W))).toBe('stale-iteration');
    expect(reasonOf(encodeMessage({ ...push, iteration: 6 }, W))).toBe('future-iteration');
  });

  it('drops oversize frames, wrong counts and out-of-range ciphertexts or partials', () => {
    expect(reasonOf(encodeMessage(push, W), { ...ctx, maxFrameBytes: 20 })).toBe('oversize');
    expect(reasonOf(encodeMessage({ ...push, ciphertexts: [1n, 2n] }, W))).toBe('bad-count');
    expect(reasonOf(encodeMessage({ ...push, ciphertexts: [1n, 0n, 2n] }, W))).toBe('bad-ciphertext');
    expect(reasonOf(encodeMessage({ ...push, ciphertexts: [1n, MOD, 2n] }, W))).toBe('bad-ciphertext');
    const partial = samples[2]!;
    expect(reasonOf(encodeMessage({ ...partial, values: [0n, 1n, MOD] } as ChiaroscuroMessage, W))).toBe('bad-ciphertext');
    expect(reasonOf(encodeMessage({ ...partial, holder: 5 } as ChiaroscuroMessage, W))).toBe('bad-shape');
    const req = samples[1]!;
    expect(reasonOf(encodeMessage({ ...req, requester: 0 } as ChiaroscuroMessage, W))).toBe('bad-shape');
  });

  it('checks centroid shapes and key-share parameters', () => {
    const c = samples[3]!;
    expect(reasonOf(encodeMessage({ ...c, centroids: [Float64Array.of(1, 2, 3)] } as ChiaroscuroMessage, W))).toBe('bad-shape');
    const four = Array.from({ length: 4 }, () => Float64Array.of(0, 0));
    expect(reasonOf(encodeMessage({ ...c, centroids: four } as ChiaroscuroMessage, W))).toBe('bad-shape');
    const nonFinite = encodeMessage({ ...c, centroids: [Float64Array.of(Infinity, 0)] } as ChiaroscuroMessage, W);
    expect(reasonOf(nonFinite)).toBe('malformed');
    const ks = samples[4]!;
    expect(reasonOf(encodeMessage({ ...ks, threshold: 5 } as ChiaroscuroMessage, W))).toBe('bad-shape');
    expect(reasonOf(encodeMessage({ ...ks, holders: 3, index: 1 } as ChiaroscuroMessage, W))).toBe('bad-shape');
  });

  it('checks the contributor census: its size, unused bits, and rounds without one', () => {
    const reasons = (c: Uint32Array): string[] => [samples[0]!, samples[1]!, samples[5]!].map((m) => reasonOf(encodeMessage({ ...m, census: c } as ChiaroscuroMessage, W)));
    expect(reasons(Uint32Array.of(0x1fff))).toEqual(['ok', 'ok', 'ok']); // all 13 members
    expect(reasons(Uint32Array.of(0x2000))).toEqual(['bad-shape', 'bad-shape', 'bad-shape']); // member 13 of 13
    expect(reasons(new Uint32Array(0))).toEqual(['bad-shape', 'bad-shape', 'bad-shape']); // too short
    expect(reasons(new Uint32Array(2))).toEqual(['malformed', 'malformed', 'malformed']); // too long
    expect(validateMessage({ ...push, census: Uint32Array.of(1 << 20) }, ctx)).toMatchObject({ ok: false, reason: 'bad-shape' });
    expect(validateMessage({ ...push, census: Uint8Array.of(1, 0, 0, 0) as unknown as Uint32Array }, ctx)).toMatchObject({ ok: false, reason: 'bad-shape' });
    // A round without a census: states carry an empty one, and a census message is unexpected.
    const none = { ...ctx, census: false };
    expect(reasonOf(encodeMessage({ ...push, census: new Uint32Array(0) }, W), none)).toBe('ok');
    expect(reasonOf(encodeMessage(push, W), none)).toBe('malformed');
    expect(validateMessage(push, none)).toMatchObject({ ok: false, reason: 'bad-shape' });
    expect(reasonOf(encodeMessage({ ...(samples[5] as CensusMsg), census: new Uint32Array(0) }, W), none)).toBe('unexpected');
    // The reply flag is one of 0 and 1.
    const frame = encodeMessage(samples[5]!, W);
    const at = frame.length - 4 - 1 - 1; // the flag precedes the census' length and its 4 bytes
    expect(frame[at]).toBe(0);
    frame[at] = 2;
    expect(reasonOf(frame)).toBe('malformed');
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      const len = i % 120;
      const b = new Uint8Array(len);
      for (let j = 0; j < len; j++) { seed = (seed * 1103515245 + 12345) >>> 0; b[j] = seed >>> 24; }
      if (len > 1) { b[0] = CHIAROSCURO_WIRE_VERSION; b[1] = 1 + (i % 6); }
      expect(() => decodeMessage(b, ctx)).not.toThrow();
    }
  });
});
