/**
 * The UI's round glue: join-link settings, refusal messages, the swarm run record, and
 * `<cs-create-round>` driven by a scripted session (create → link + QR → start → results + History;
 * join refused → the reason shown).
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import '../../../src/ui/cs-create-round';
import type { CsCreateRound } from '../../../src/ui/cs-create-round';
import { announceLink, applyEvent, explainJoinError, initialStatus, parseRoundHints, roundChoiceFor, type RoundApi, type RoundHints } from '../../../src/app/round';
import { swarmRecord } from '../../../src/app/swarm-record';
import { openStore } from '../../../src/app/storage';
import type { RoundInfo, RoundSession, SessionEvent } from '../../../src/net/session';
import { DEFAULT_ROUND_FORM, validateRoundForm } from '../../../src/ui/logic/round-form';

const LINK = 'http://x.test/#join=abcd1234.0123456789abcdef0123456789abcdef';
const hints: RoundHints = { dataset: 'lcl', k: 3, iterations: 2, epsilon: 0.5, keyBits: 512, L: 10, strategy: 'geometric', smoothing: 2, population: 1000 };

describe('join link settings', () => {
  it('round-trip through the link and keep the session part parseable', () => {
    fc.assert(fc.property(
      fc.record({
        dataset: fc.constantFrom('lcl' as const, 'tumor' as const), k: fc.integer({ min: 2, max: 50 }), iterations: fc.integer({ min: 1, max: 30 }),
        epsilon: fc.double({ min: 0.001, max: 100, noNaN: true }), keyBits: fc.constantFrom(512, 1024, 2048), L: fc.integer({ min: 1, max: 365 }),
        strategy: fc.constantFrom('uniform' as const, 'geometric' as const), smoothing: fc.integer({ min: 1, max: 12 }), population: fc.integer({ min: 2, max: 1e8 }),
      }),
      (h) => { expect(parseRoundHints(announceLink(LINK, h))).toEqual(h); },
    ));
  });
  it('rejects tampered or missing settings precisely', () => {
    const good = announceLink(LINK, hints);
    expect(() => parseRoundHints(good.replace('use=lcl', 'use=evil'))).toThrow(/use must be lcl or tumor, got evil/);
    expect(() => parseRoundHints(good.replace('k=3', 'k=1'))).toThrow(/k must be an integer in \[2, 50\], got 1/);
    expect(() => parseRoundHints(good.replace('bits=512', 'bits=777'))).toThrow(/bits must be 512, 1024 or 2048/);
    expect(() => parseRoundHints(good.replace('eps=0.5', 'eps=-1'))).toThrow(RangeError);
    expect(() => parseRoundHints(LINK)).toThrow(/use must be/);
    expect(() => parseRoundHints('http://x.test/#join=ab.cd')).toThrow(/expected #join=/);
  });
  it('explains refusals in words a participant can act on', () => {
    expect(explainJoinError(new Error('joinRound: refused: wrong join secret'))).toBe("The round's creator refused this tab: wrong join secret. Ask the creator for the link again and open it unchanged.");
    expect(explainJoinError(new Error("joinRound: cannot reach the round's creator (abc); is the round still open?"))).toBe("cannot reach the round's creator (abc); is the round still open?");
  });
  it('maps the form config to the session round choice with the dataset shape', () => {
    const r = validateRoundForm({ ...DEFAULT_ROUND_FORM, k: '3', iterations: '2', keyBits: '512' }, 7);
    if (!r.ok) throw new Error('form invalid');
    expect(roundChoiceFor(r.config, { T: 24, lo: 0, hi: 5 })).toMatchObject({ k: 3, T: 24, L: 30, lo: 0, hi: 5, iterations: 2, keyBits: 512, epsilon: 1, initSeed: 7, population: 1000 });
  });
  it('rejects malformed session events as visible errors', () => {
    let s = initialStatus({ iterations: 2, epsilon: 1 });
    s = applyEvent(s, { type: 'result', iteration: 1, final: false, centroids: [[Number.NaN]], epsilonSpent: 0.1 });
    s = applyEvent(s, { type: 'phase', phase: 'exploded' });
    s = applyEvent(s, { type: 'lobby', members: 'a', holders: [], status: 'lobby' });
    expect(s.errors).toHaveLength(3);
    expect(s.errors.every((e) => e.startsWith('Unrecognised round event'))).toBe(true);
    expect(s.released).toBe(0);
    s = applyEvent(s, { type: 'phase', phase: 'finished' });
    expect(s.phase).toBe('done');
    expect(s.progress).toBe(1);
  });
});

describe('swarm run record', () => {
  it('keeps one centroid set per released iteration, per-iteration deltas, no inertia but the private estimate', () => {
    const cfg = validateRoundForm(DEFAULT_ROUND_FORM, 1);
    if (!cfg.ok) throw new Error('form invalid');
    const rec = swarmRecord({
      id: 'r', label: 'l', config: cfg.config, participants: 4, T: 2, unit: 'kWh', savedAt: 1, wallSeconds: 3,
      released: [
        { iteration: 2, centroids: [[3, 3]], epsilonSpent: 1, bytes: 500, cryptoMs: 30, priorInertia: 0.75 },
        { iteration: 1, centroids: [[1, 1], [2, 2]], epsilonSpent: 0.5, bytes: 200, cryptoMs: 10 },
      ],
    });
    // Iteration 2 released the private estimate of iteration 1's inertia; nothing estimates iteration 2's.
    expect(rec.result.iterations.map((i) => i.privateInertia)).toEqual([0.75, undefined]);
    expect(rec.centroids).toEqual([[[1, 1], [2, 2]], [[3, 3]]]);
    expect(rec.result.iterations.map((i) => [i.index, i.k, i.epsilon, i.bytesPerParticipant, i.msPerParticipant])).toEqual([[1, 2, 0.5, 200, 10], [2, 1, 0.5, 300, 20]]);
    expect(rec.result.final).toMatchObject({ centroids: [[3, 3]], epsilonSpent: 1, iterations: 2 });
    expect(Number.isNaN(rec.result.final.inertia)).toBe(true);
    expect(rec.result.config.participants).toBe(4);
    expect(() => swarmRecord({ ...{ id: 'r', label: 'l', config: cfg.config, participants: 1, T: 2, unit: '', savedAt: 1, wallSeconds: 0 }, released: [] })).toThrow(/no iteration was released/);
  });
});

const row = (v: number): number[] => Array.from({ length: 24 }, (_, t) => v + t / 100);

/** A scripted session: `start()` plays a 2-iteration round over 24-value series. */
function fakeSession(link: string, self: string, params: RoundInfo | null = null): RoundSession & { emit(e: SessionEvent): void } {
  const fns = new Set<(e: SessionEvent) => void>();
  let result: RoundSession['result'] = null;
  const members = [self];
  const emit = (e: SessionEvent): void => { if (e.type === 'result') result = e; for (const f of fns) f(e); };
  return {
    self, round: 'abcd1234', link, isCreator: link !== '', members: () => members, lobbyLinked: () => true, emit, params,
    onEvent(fn) { fns.add(fn); return () => fns.delete(fn); },
    async start() {
      members.push('cs-abcd1234-joiner1');
      emit({ type: 'lobby', members: [...members], holders: [...members], status: 'running' });
      emit({ type: 'phase', phase: 'running' });
      emit({ type: 'iteration', iteration: 1, iterations: 2 });
      emit({ type: 'result', iteration: 1, final: false, centroids: [row(0), row(1)], epsilonSpent: 0.5 });
      emit({ type: 'iteration', iteration: 2, iterations: 2 });
      emit({ type: 'result', iteration: 2, final: true, centroids: [row(0.5), row(2)], epsilonSpent: 1 });
      emit({ type: 'phase', phase: 'finished' });
    },
    stats: () => ({ bytesSent: 4096, bytesReceived: 2048, retries: 0, unacked: 0, dialFailures: 0, dropped: {}, cryptoMs: 1234, peers: members.length - 1 }),
    get result() { return result; },
    leave() {},
  };
}

const mounted: HTMLElement[] = [];
afterEach(() => { mounted.splice(0).forEach((e) => e.remove()); });
const until = async (cond: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};

describe('<cs-create-round> with a scripted session', () => {
  it('creates a round with the picked data, shows link + QR, starts, fills the results and keeps the run', async () => {
    const store = await openStore(`cs-round-test-${Date.now()}`);
    const calls: Array<{ T: number; rows: number; k: number }> = [];
    const api: RoundApi = {
      async create(choice, data, baseUrl) { calls.push({ T: choice.T, rows: data.length, k: choice.k }); return fakeSession(`${baseUrl}#join=abcd1234.0123456789abcdef0123456789abcdef`, 'cs-abcd1234-hub'); },
      join: () => Promise.reject(new Error('unused')),
    };
    const el = document.createElement('cs-create-round') as CsCreateRound;
    Object.assign(el, { api, store });
    document.body.append(el);
    mounted.push(el);
    const root = el.shadowRoot!;
    await until(() => root.querySelector('cs-round-data')?.shadowRoot?.querySelector('#data-source') != null, 'the bundled participants');
    const set = (id: string, v: string) => { const i = root.querySelector<HTMLInputElement>(`#${id}`)!; i.value = v; i.dispatchEvent(new Event('input')); };
    set('k', '2'); set('iterations', '2');
    root.querySelector<HTMLSelectElement>('#keyBits')!.value = '512';
    root.querySelector<HTMLSelectElement>('#keyBits')!.dispatchEvent(new Event('change'));
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await until(() => root.querySelector('img[alt^="QR code"]') != null, 'the QR code');
    expect(calls).toEqual([{ T: 24, rows: calls[0]!.rows, k: 2 }]);
    expect(calls[0]!.rows).toBeGreaterThan(0);
    const link = root.querySelector<HTMLInputElement>('[data-testid="join-link"]')!.value;
    expect(parseRoundHints(link)).toMatchObject({ dataset: 'lcl', k: 2, iterations: 2, keyBits: 512 });
    const lobby = () => root.querySelector('cs-lobby')!.shadowRoot!;
    expect(lobby().querySelector('[data-phase]')!.getAttribute('data-phase')).toBe('lobby');
    [...root.querySelectorAll('button')].find((b) => b.textContent?.startsWith('Start the round'))!.click();
    await until(() => root.querySelector('cs-results') != null && el.shadowRoot!.textContent!.includes('kept in History'), 'the results');
    const results = root.querySelector('cs-results')!;
    await (results as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    const exp = results.shadowRoot!.querySelector('cs-export') as unknown as { content(f: 'json'): string };
    expect(JSON.parse(exp.content('json')).profiles).toEqual([row(0.5), row(2)]);
    expect(results.shadowRoot!.querySelector('cs-inertia-view')!.shadowRoot!.querySelector('[data-testid="inertia-unavailable"]')).not.toBeNull();
    expect(lobby().querySelector('[data-phase]')!.getAttribute('data-phase')).toBe('done');
    const dl = lobby().querySelector('dl')!.textContent!.replace(/\s+/g, ' ');
    expect(dl).toContain('2 (2 key holders)');
    expect(dl).toContain('1.000 of 1');
    expect(dl).toContain('4.0 kB / 2.0 kB');
    const runs = await store.listRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.source).toBe('swarm');
    expect(runs[0]!.centroids).toEqual([[row(0), row(1)], [row(0.5), row(2)]]);
    expect(runs[0]!.own?.series).toHaveLength(24);
    store.close();
  });

  it('shows the hub\'s refusal when the join secret is wrong', async () => {
    const api: RoundApi = { create: () => Promise.reject(new Error('unused')), join: () => Promise.reject(new Error('joinRound: refused: wrong join secret')) };
    const el = document.createElement('cs-create-round') as CsCreateRound;
    Object.assign(el, { api, joinFragment: announceLink(LINK, hints).split('#')[1] });
    document.body.append(el);
    mounted.push(el);
    const root = el.shadowRoot!;
    await el.updateComplete;
    expect(root.textContent!.replace(/\s+/g, ' ')).toContain('ε 0.5 (geometric), 512-bit keys');
    await until(() => root.querySelector('cs-round-data')?.shadowRoot?.querySelector('#data-source') != null, 'the bundled participants');
    [...root.querySelectorAll('button')].find((b) => b.textContent?.includes('Join the round'))!.click();
    await until(() => root.querySelector('.error') != null, 'the refusal');
    expect(root.querySelector('.error')!.textContent).toContain("The round's creator refused this tab: wrong join secret");
    await until(() => root.querySelector('cs-lobby')?.shadowRoot?.querySelector('[data-phase="refused"]') != null, 'the refused lobby');
  });

  it('says a malformed join link is not valid instead of connecting', async () => {
    const el = document.createElement('cs-create-round') as CsCreateRound;
    Object.assign(el, { joinFragment: 'join=abcd1234.00' });
    document.body.append(el);
    mounted.push(el);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.error')!.textContent).toMatch(/not a valid join link: expected #join=/);
  });
});
