import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { closestProfile, rankProfiles } from '../../../src/ui/logic/closest';
import { clampWindow, matchWindow, windowAfterKey } from '../../../src/ui/logic/window-match';
import { profilesToCsv, profilesToJson } from '../../../src/ui/logic/export';
import { DEFAULT_ROUND_FORM, validateRoundForm } from '../../../src/ui/logic/round-form';
import { gossipCycles, iterationCost } from '../../../src/ui/logic/cost-model';
import { parseRoute, routeHash } from '../../../src/app/router';
import { applyEvent, initialStatus } from '../../../src/app/round';

const profiles = [
  [0, 0, 0, 0, 0, 0],
  [1, 1, 1, 1, 1, 1],
  [0, 0, 0, 5, 5, 5],
];

describe('closest profile', () => {
  it('finds the closest profile of a known series', () => {
    expect(closestProfile([0.9, 1.1, 1, 1, 0.8, 1.2], profiles)).toEqual({ index: 1, distance2: expect.closeTo(0.1, 10) });
    expect(closestProfile([0, 0, 0, 4, 6, 5], profiles)?.index).toBe(2);
  });
  it('rejects bad input precisely', () => {
    expect(() => rankProfiles([], profiles)).toThrow(RangeError);
    expect(() => rankProfiles([1, Number.NaN], profiles)).toThrow(/value 1 is not a finite number/);
    expect(() => rankProfiles([1, 2, 3, 4, 5, 6, 7], profiles)).toThrow(/profile 0 has 6 values, need ≥ 7/);
  });
});

describe('window match (Bob)', () => {
  const bob = [0, 0, 0, 5, 5, 5];
  it('matches only the windowed sub-sequence', () => {
    // Whole series: profile 2 matches exactly.
    expect(matchWindow(bob, profiles, { start: 0, end: 6 }, 1)[0]!.index).toBe(2);
    // First half only: profiles 0 and 2 are both exact; tie broken by index.
    expect(matchWindow(bob, profiles, { start: 0, end: 3 }, 3).map((m) => [m.index, m.distance2])).toEqual([[0, 0], [2, 0], [1, 3]]);
    // Second half only: profile 2 exact, then profile 1 (distance 3·16), then 0 (3·25).
    expect(matchWindow(bob, profiles, { start: 3, end: 6 }, 3).map((m) => [m.index, m.distance2])).toEqual([[2, 0], [1, 48], [0, 75]]);
  });
  it('clamps windows into the series and keys move/resize them', () => {
    expect(clampWindow({ start: -3, end: 2 }, 10)).toEqual({ start: 0, end: 5 });
    expect(clampWindow({ start: 8, end: 12 }, 10)).toEqual({ start: 6, end: 10 });
    expect(clampWindow({ start: 3, end: 3 }, 10)).toEqual({ start: 3, end: 5 });
    expect(windowAfterKey({ start: 2, end: 5 }, 'ArrowRight', false, 10)).toEqual({ start: 3, end: 6 });
    expect(windowAfterKey({ start: 2, end: 5 }, 'ArrowRight', true, 10)).toEqual({ start: 2, end: 6 });
    expect(windowAfterKey({ start: 2, end: 5 }, 'End', false, 10)).toEqual({ start: 7, end: 10 });
    expect(windowAfterKey({ start: 2, end: 5 }, 'x', false, 10)).toBeUndefined();
  });
  it('property: any key sequence keeps the window valid', () => {
    const keys = fc.constantFrom('ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End');
    fc.assert(fc.property(fc.integer({ min: 2, max: 60 }), fc.array(fc.tuple(keys, fc.boolean()), { maxLength: 40 }), (T, seq) => {
      let w = clampWindow({ start: 0, end: 2 }, T);
      for (const [k, shift] of seq) w = windowAfterKey(w, k, shift, T)!;
      return w.start >= 0 && w.end <= T && w.end - w.start >= 2;
    }));
  });
});

describe('exports', () => {
  it('CSV has a header and one row per profile, re-importable numbers', () => {
    expect(profilesToCsv([[1, 2.5], [-0.125, 3e-7]])).toBe('profile,t1,t2\n1,1,2.5\n2,-0.125,3e-7\n');
  });
  it('JSON carries format, meta and exact profiles', () => {
    const meta = { protocol: 'chiaroscuro', dataset: 'lcl', k: 2, epsilon: 1, iterations: 5, unit: 'kWh' };
    const parsed = JSON.parse(profilesToJson([[0.1, 0.2], [1 / 3, 2]], meta));
    expect(parsed).toEqual({ format: 'chiaroscuro-profiles/1', meta, profiles: [[0.1, 0.2], [1 / 3, 2]] });
  });
  it('rejects ragged or non-finite profiles', () => {
    expect(() => profilesToCsv([[1, 2], [3]])).toThrow(/profile 1 has 1 values, expected 2/);
    expect(() => profilesToCsv([[1, Number.POSITIVE_INFINITY]])).toThrow(TypeError);
  });
});

describe('round form', () => {
  it('accepts the defaults', () => {
    const r = validateRoundForm(DEFAULT_ROUND_FORM, 7);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.config).toMatchObject({ dataset: 'lcl', k: 8, epsilon: 1, keyBits: 1024, seed: 7, strategy: 'uniform', churn: 0.1 });
  });
  it('takes the expected dropout in percent, 0 to 50', () => {
    const at = (dropout: string) => validateRoundForm({ ...DEFAULT_ROUND_FORM, dropout }, 1);
    expect(at('0')).toMatchObject({ ok: true, config: { churn: 0 } });
    expect(at('25')).toMatchObject({ ok: true, config: { churn: 0.25 } });
    expect(at('51')).toMatchObject({ ok: false, errors: { dropout: 'Expected dropout must be between 0 and 50' } });
    expect(at('5.5')).toMatchObject({ ok: false, errors: { dropout: 'Expected dropout must be a whole number' } });
  });
  it('names every invalid field', () => {
    const r = validateRoundForm({ ...DEFAULT_ROUND_FORM, k: '1', epsilon: '-2', keyBits: '768', smoothing: 'x' }, 1);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.k).toMatch(/between 2 and 50/);
      expect(r.errors.epsilon).toMatch(/above 0/);
      expect(r.errors.keyBits).toMatch(/512, 1024 or 2048/);
      expect(r.errors.smoothing).toMatch(/whole number/);
    }
  });
});

describe('cost model', () => {
  it('counts ciphertexts, operations and bytes', () => {
    // 1024 bits: floor(1022 / 64) = 15 slots; k·T + k = 8·24 + 8 = 200 values → 14 ciphertexts.
    const c = iterationCost({ k: 8, T: 24, participants: 256, keyHolders: 10 }, 1024);
    expect(gossipCycles(256)).toBe(13);
    expect(c).toEqual({ ciphertexts: 14, encryptions: 14, additions: 2 * 13 * 14, decryptions: (14 * 10) / 256, bytes: 2 * 13 * 14 * 256 });
    // Fewer centroids → fewer ciphertexts (the demo's decreasing costs).
    expect(iterationCost({ k: 2, T: 24, participants: 256, keyHolders: 10 }, 1024).ciphertexts).toBe(4);
  });
});

describe('routing and round events', () => {
  it('parses routes and keeps join fragments untouched', () => {
    expect(parseRoute('#/lab/try')).toEqual({ view: 'lab', autorun: true });
    expect(parseRoute('#/run/lab-1%2Fx')).toEqual({ view: 'run', id: 'lab-1/x' });
    expect(parseRoute('#round=abc&secret=xyz')).toEqual({ view: 'join', fragment: 'round=abc&secret=xyz' });
    expect(parseRoute('')).toEqual({ view: 'start' });
    expect(routeHash({ view: 'run', id: 'a b' })).toBe('#/run/a%20b');
  });
  it('folds session events into the lobby status and keeps errors visible', () => {
    let s = initialStatus({ iterations: 5, epsilon: 1 });
    s = applyEvent(s, { type: 'lobby', members: ['a', 'b'], holders: ['a'], status: 'lobby' });
    s = applyEvent(s, { type: 'iteration', iteration: 2, iterations: 5 });
    s = applyEvent(s, { type: 'result', iteration: 1, final: false, centroids: [[1, 2]], epsilonSpent: 0.2 });
    s = applyEvent(s, { type: 'peers', peers: 3 });
    s = applyEvent(s, { type: 'error', error: 'peer b left' });
    s = applyEvent(s, { type: 'mystery' });
    expect(s).toMatchObject({ phase: 'running', iteration: 2, released: 1, progress: 0.3, epsilonSpent: 0.2, peers: 3 });
    expect(s.members).toEqual([{ id: 'a', keyHolder: true }, { id: 'b', keyHolder: false }]);
    expect(s.errors).toEqual(['peer b left', 'Unrecognised round event: {"type":"mystery"}']);
  });
});
