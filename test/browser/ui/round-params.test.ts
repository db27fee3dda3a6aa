/**
 * Round parameters delivered by the creator: the `params` event folded into the lobby state (checked
 * by shape), the join link's protocol hint, and `<cs-create-round>` showing and recording the creator's
 * parameters instead of the link's hints; PPkM accepted by the create form.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../../src/ui/cs-create-round';
import type { CsCreateRound } from '../../../src/ui/cs-create-round';
import { announceLink, applyEvent, configFromInfo, initialStatus, parseRoundHints, type RoundApi, type RoundHints, type RoundInfo } from '../../../src/app/round';
import type { RoundChoice, RoundSession, SessionEvent } from '../../../src/net/session';

const LINK = 'http://x.test/#join=abcd1234.0123456789abcdef0123456789abcdef';
const hints: RoundHints = { dataset: 'lcl', k: 3, iterations: 2, epsilon: 0.5, keyBits: 512, L: 10, strategy: 'geometric', smoothing: 2, population: 1000 };
const info: RoundInfo = { protocol: 'chiaroscuro', dataset: 'lcl', k: 4, T: 24, L: 10, lo: 0, hi: 10, iterations: 2, epsilon: 2, strategy: 'uniform', smoothing: 1, keyBits: 512, population: 5000 };
const row = (v: number): number[] => Array.from({ length: 24 }, (_, t) => v + t / 100);

function fakeSession(link: string, self: string, params: RoundInfo | null): RoundSession & { play(): void; left: boolean } {
  const fns = new Set<(e: SessionEvent) => void>();
  let result: RoundSession['result'] = null;
  const emit = (e: SessionEvent): void => { if (e.type === 'result') result = e; for (const f of fns) f(e); };
  const s = {
    self, round: 'abcd1234', link, isCreator: link !== '', params, members: () => ['cs-abcd1234-hub', self], left: false,
    onEvent(fn: (e: SessionEvent) => void) { fns.add(fn); return () => fns.delete(fn); },
    start: () => Promise.resolve(),
    play() {
      emit({ type: 'phase', phase: 'running' });
      emit({ type: 'iteration', iteration: 1, iterations: 1 });
      emit({ type: 'result', iteration: 1, final: true, centroids: [row(1), row(2), row(3), row(4)], epsilonSpent: 0 });
      emit({ type: 'phase', phase: 'finished' });
    },
    stats: () => ({ bytesSent: 1, bytesReceived: 1, retries: 0, unacked: 0, dialFailures: 0, dropped: {}, cryptoMs: 0, peers: 1 }),
    get result() { return result; },
    leave() { s.left = true; },
    lobbyLinked: () => true,
  };
  return s;
}

const mounted: HTMLElement[] = [];
afterEach(() => { mounted.splice(0).forEach((e) => e.remove()); });
const until = async (cond: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};
const text = (el: Element | ShadowRoot): string => el.textContent!.replace(/\s+/g, ' ');

describe('params event and protocol hint', () => {
  it('a params event sets the real iterations and budget; PPkM has no budget; tampered params are shown as errors', () => {
    const s0 = initialStatus({ iterations: 9, epsilon: 9 });
    const s1 = applyEvent(s0, { type: 'params', params: info });
    expect(s1).toMatchObject({ iterations: 2, epsilonBudget: 2, params: info, errors: [] });
    expect(applyEvent(s0, { type: 'params', params: { ...info, protocol: 'ppkm' } })).toMatchObject({ epsilonBudget: 0, params: { protocol: 'ppkm' } });
    for (const bad of [{ ...info, k: -1 }, { ...info, dataset: '<script>' }, { ...info, protocol: 'x' }, null]) {
      const s = applyEvent(s0, { type: 'params', params: bad });
      expect(s.errors[0]).toMatch(/Unrecognised round event/);
      expect(s.params).toBeUndefined();
    }
  });

  it('the link carries proto=ppkm only for PPkM; anything else is refused', () => {
    const ppkm = announceLink(LINK, { ...hints, protocol: 'ppkm' });
    expect(ppkm).toContain('#join=abcd1234.0123456789abcdef0123456789abcdef&proto=ppkm&use=lcl');
    expect(parseRoundHints(ppkm)).toEqual({ ...hints, protocol: 'ppkm' });
    expect(parseRoundHints(announceLink(LINK, hints))).toEqual(hints);
    expect(() => parseRoundHints(`${announceLink(LINK, hints)}&proto=evil`)).toThrow(/proto must be ppkm or absent, got evil/);
  });

  it('configFromInfo records the creator\'s parameters', () => {
    expect(configFromInfo({ ...info, protocol: 'ppkm' }, 5)).toMatchObject({ protocol: 'ppkm', dataset: 'lcl', k: 4, seriesPerParticipant: 10, iterations: 2, epsilon: 2, keyBits: 512, population: 5000, seed: 5 });
  });
});

describe('<cs-create-round> and the creator\'s parameters', () => {
  async function joinWith(params: RoundInfo | null): Promise<{ root: ShadowRoot; session: ReturnType<typeof fakeSession> }> {
    const session = fakeSession('', 'cs-abcd1234-joiner', params);
    const api: RoundApi = { create: () => Promise.reject(new Error('unused')), join: () => Promise.resolve(session) };
    const el = document.createElement('cs-create-round') as CsCreateRound;
    Object.assign(el, { api, joinFragment: announceLink(LINK, hints).split('#')[1] });
    document.body.append(el);
    mounted.push(el);
    const root = el.shadowRoot!;
    await until(() => root.querySelector('cs-round-data')?.shadowRoot?.querySelector('#data-source') != null, 'the bundled participants');
    expect(text(root)).toContain('The link announces (a preview');
    [...root.querySelectorAll('button')].find((b) => b.textContent?.includes('Join the round'))!.click();
    return { root, session };
  }

  it('a joiner shows the creator\'s parameters, flags differing hints and records the real k', async () => {
    const { root, session } = await joinWith(info);
    await until(() => root.querySelector('[data-testid="round-params"]') != null, 'the round parameters');
    expect(text(root.querySelector('[data-testid="round-params"]')!)).toContain('Chiaroscuro over electricity: k 4, 2 iterations, 512-bit keys, at most 10 series of 24 values per participant, ε 2 (uniform) for a population of 5000');
    expect(root.querySelector('[data-testid="hints-differ"]')).not.toBeNull();
    const lobby = () => text(root.querySelector('cs-lobby')!.shadowRoot!.querySelector('dl')!);
    expect(lobby()).toContain('0.000 of 2');
    session.play();
    await until(() => root.querySelector('cs-results') != null, 'the results');
    const results = root.querySelector('cs-results')!;
    await (results as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(text(results.shadowRoot!.querySelector('h2 + p')!)).toMatch(/^chiaroscuro · k 4 → 4 profiles/);
  });

  it('a joiner whose data do not match the round\'s series length leaves with the reason', async () => {
    const { root, session } = await joinWith({ ...info, dataset: 'tumor', T: 20 });
    await until(() => root.querySelector('.error') != null, 'the error');
    expect(text(root.querySelector('.error')!)).toContain("your data has 24 values per series, but this round's series have 20 (tumour growth)");
    expect(session.left).toBe(true);
  });

  it('without params (an older creator) the hints stay the record\'s settings', async () => {
    const { root, session } = await joinWith(null);
    await until(() => root.querySelector('cs-lobby')?.shadowRoot?.querySelector('[data-phase]') != null, 'the lobby');
    expect(root.querySelector('[data-testid="round-params"]')).toBeNull();
    session.play();
    await until(() => root.querySelector('cs-results') != null, 'the results');
    const results = root.querySelector('cs-results')!;
    await (results as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(text(results.shadowRoot!.querySelector('h2 + p')!)).toMatch(/^chiaroscuro · k 3 → 4 profiles/);
  });

  it('the create form accepts PPkM: no ε fields, protocol and dataset in the choice, proto in the link', async () => {
    const choices: RoundChoice[] = [];
    const api: RoundApi = {
      async create(choice, _data, baseUrl) { choices.push(choice); return fakeSession(`${baseUrl}#join=abcd1234.0123456789abcdef0123456789abcdef`, 'cs-abcd1234-hub', { ...info, protocol: 'ppkm' }); },
      join: () => Promise.reject(new Error('unused')),
    };
    const el = document.createElement('cs-create-round') as CsCreateRound;
    Object.assign(el, { api });
    document.body.append(el);
    mounted.push(el);
    const root = el.shadowRoot!;
    await until(() => root.querySelector('cs-round-data')?.shadowRoot?.querySelector('#data-source') != null, 'the bundled participants');
    const proto = root.querySelector<HTMLSelectElement>('#protocol')!;
    proto.value = 'ppkm';
    proto.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(root.querySelector('#epsilon')).toBeNull();
    expect(root.querySelector('[data-testid="ppkm-note"]')).not.toBeNull();
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await until(() => root.querySelector('[data-testid="join-link"]') != null, 'the join link');
    expect(choices[0]).toMatchObject({ protocol: 'ppkm', dataset: 'lcl', T: 24 });
    expect(root.querySelector<HTMLInputElement>('[data-testid="join-link"]')!.value).toContain('&proto=ppkm&use=lcl');
    expect(root.querySelector('.error')).toBeNull();
    expect(text(root.querySelector('cs-lobby')!.shadowRoot!.querySelector('dl')!)).toContain('PPkM: exact centroids, no differential privacy');
  });
});
