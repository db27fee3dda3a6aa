import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../../src/ui/cs-closest-profile';
import '../../../src/ui/cs-bobs-window';
import '../../../src/ui/cs-profiles-evolution';
import '../../../src/ui/cs-my-data';
import '../../../src/ui/cs-export';
import '../../../src/ui/cs-selftest';
import '../../../src/ui/cs-history';
import '../../../src/ui/cs-results';
import '../../../src/ui/cs-lobby';
import type { LitElement } from 'lit';
import { openStore, type OwnData } from '../../../src/app/storage';
import { runLab } from '../../../src/app/lab/engine';
import { initialStatus, applyEvent, applyStats } from '../../../src/app/round';
import type { RunConfig } from '../../../src/sim/contract';

const mounted: HTMLElement[] = [];
async function mount<T extends LitElement>(tag: string, props: Record<string, unknown>): Promise<T> {
  const el = document.createElement(tag) as T;
  Object.assign(el, props);
  el.style.width = '640px';
  document.body.append(el);
  mounted.push(el);
  await el.updateComplete;
  return el;
}
const text = (el: Element | null | undefined, sel: string): string => (el?.shadowRoot?.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim();
afterEach(() => { mounted.splice(0).forEach((e) => e.remove()); });

const profiles = [
  [0, 0, 0, 0, 0, 0],
  [1, 1, 1, 1, 1, 1],
  [0, 0, 0, 5, 5, 5],
];

describe('<cs-closest-profile>', () => {
  it('names the closest profile of a known series and draws both lines', async () => {
    const el = await mount('cs-closest-profile', { series: [0.9, 1.1, 1, 1, 0.8, 1.2], profiles, unit: 'kWh' });
    expect(text(el, '.result')).toContain('Closest: profile 2 of 3');
    const chart = el.shadowRoot!.querySelector('cs-chart')!;
    await chart.updateComplete;
    expect(chart.lines.map((l) => l.label)).toEqual(['your series', 'profile 2']);
    expect(chart.uplot?.data[2]).toEqual(Float64Array.from(profiles[1]!));
  });
});

describe('<cs-bobs-window>', () => {
  const bob = [0, 0, 0, 5, 5, 5];
  const matches = (el: Element) => [...el.shadowRoot!.querySelectorAll('ol.matches li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());

  it('redraws the closest profiles while the window is dragged with the pointer', async () => {
    const el = await mount<LitElement & { window: { start: number; end: number } }>('cs-bobs-window', { series: bob, profiles, top: 2 });
    el.window = { start: 0, end: 3 };
    await el.updateComplete;
    expect(matches(el)[0]).toMatch(/^profile 1 — distance 0\.00/);
    const win = el.shadowRoot!.querySelector<SVGRectElement>('rect.win')!;
    const svgBox = el.shadowRoot!.querySelector('svg')!.getBoundingClientRect();
    const step = (svgBox.width * ((640 - 44 - 12) / 640)) / 5; // client px per series index
    const box = win.getBoundingClientRect();
    const x0 = box.left + box.width / 2, y = box.top + box.height / 2;
    win.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true, clientX: x0, clientY: y, pointerId: 1 }));
    for (let i = 1; i <= 3; i++) {
      win.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, composed: true, clientX: x0 + i * step, clientY: y, pointerId: 1 }));
      await el.updateComplete;
    }
    win.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, composed: true, clientX: x0 + 3 * step, clientY: y, pointerId: 1 }));
    await el.updateComplete;
    expect(el.window).toEqual({ start: 3, end: 6 });
    expect(text(el, '.window')).toBe('Window: time steps 4–6 of 6.');
    expect(matches(el)).toEqual([expect.stringMatching(/^profile 3 — distance 0\.00/), expect.stringMatching(/^profile 2 — distance 6\.93/)]);
    expect(el.shadowRoot!.querySelectorAll('path.match')).toHaveLength(2);
  });

  it('moves and resizes with the keyboard', async () => {
    const el = await mount<LitElement & { window: { start: number; end: number } }>('cs-bobs-window', { series: bob, profiles });
    el.window = { start: 0, end: 2 };
    await el.updateComplete;
    const win = el.shadowRoot!.querySelector<SVGRectElement>('rect.win')!;
    expect(win.getAttribute('role')).toBe('slider');
    expect(win.getAttribute('tabindex')).toBe('0');
    win.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    await el.updateComplete;
    expect(el.window).toEqual({ start: 4, end: 6 });
    win.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', shiftKey: true, bubbles: true }));
    win.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    await el.updateComplete;
    expect(el.window).toEqual({ start: 3, end: 5 });
    expect(el.shadowRoot!.querySelector('rect.win')!.getAttribute('aria-valuetext')).toBe('time steps 4 to 5');
  });
});

describe('<cs-profiles-evolution>', () => {
  it('the slider switches iterations', async () => {
    const centroids = [[[1, 1], [2, 2], [3, 3]], [[1.5, 1.5], [2.5, 2.5]]];
    const el = await mount<LitElement & { iteration: number }>('cs-profiles-evolution', { centroids, iteration: 2 });
    expect(text(el, '.count')).toBe('2 profiles after iteration 2 (public, perturbed).');
    const seen: number[] = [];
    el.addEventListener('iteration-change', (e) => seen.push((e as CustomEvent<{ iteration: number }>).detail.iteration));
    const slider = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=range]')!;
    expect(el.shadowRoot!.querySelector(`label[for=${slider.id}]`)).not.toBeNull();
    slider.value = '1';
    slider.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(seen).toEqual([1]);
    expect(text(el, '.count')).toBe('3 profiles after iteration 1 (public, perturbed).');
    const chart = el.shadowRoot!.querySelector('cs-chart')!;
    await chart.updateComplete;
    expect(chart.uplot!.data.slice(1).map((s) => Array.from(s as ArrayLike<number>))).toEqual([[1, 1], [2, 2], [3, 3]]);
  });
});

describe('<cs-my-data>', () => {
  it('shows CSV errors with line and column, keeps nothing', async () => {
    const el = await mount<LitElement & { importFile(f: File): Promise<void>; data: OwnData | undefined }>('cs-my-data', {});
    await el.importFile(new File(['1,2,3\n4,x,6\n'], 'bad.csv', { type: 'text/csv' }));
    await el.updateComplete;
    expect(text(el, '[role=alert]')).toMatch(/^bad\.csv: line 2, column 2: /);
    expect(el.data).toBeUndefined();
  });

  it('a store read that ends after an import does not undo the import', async () => {
    // The stored data (an older save) arrives only after the person imported a file.
    let answer: (d: OwnData | undefined) => void = () => {};
    const older: OwnData = { source: 'csv', label: 'old.csv', dataset: 'old.csv', unit: '', T: 2, series: [[0, 0]], savedAt: 0 };
    const saved: OwnData[] = [];
    const store = {
      loadOwnData: () => new Promise<OwnData | undefined>((r) => { answer = r; }),
      saveOwnData: async (d: OwnData) => { saved.push(d); },
      clearOwnData: async () => {},
    };
    const el = await mount<LitElement & { importFile(f: File): Promise<void>; data: OwnData | undefined }>('cs-my-data', { store });
    await el.importFile(new File(['participant,a,b,c\np1,1,2,3\n'], 'new.csv'));
    answer(older);
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(el.data?.label).toBe('new.csv');
    expect(saved.map((d) => d.label)).toEqual(['new.csv']);
    expect(text(el, '.summary')).toMatch(/^1 series of 3 values/);
  });

  it('imports a good CSV, stores it and restores it after a "reload"', async () => {
    const name = `ui-test-${crypto.randomUUID()}`;
    const store = await openStore(name);
    const el = await mount<LitElement & { importFile(f: File): Promise<void>; data: OwnData | undefined }>('cs-my-data', { store });
    await el.importFile(new File(['participant,a,b,c\np1,1,2,3\np1,4,5,6\np2,7,8,9\n'], 'mine.csv'));
    // The save to IndexedDB and the re-render finish asynchronously: wait for them, not for a fixed time.
    await vi.waitFor(() => expect(text(el, '.summary')).toMatch(/^3 series of 3 values/), { timeout: 10_000 });
    store.close();
    el.remove();
    // Reload: a fresh store handle on the same database and a fresh element.
    const store2 = await openStore(name);
    const again = await mount<LitElement & { data: OwnData | undefined }>('cs-my-data', { store: store2 });
    await vi.waitFor(() => expect(again.data?.series).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), { timeout: 10_000 });
    await again.updateComplete;
    expect(text(again, '#pv-h')).toBe('Preview: mine.csv');
    expect(text(again, '.promise')).toMatch(/never leave this tab unencrypted/);
    store2.close();
    indexedDB.deleteDatabase(name);
  });
});

describe('storage', () => {
  it('round-trips runs through IndexedDB across handles and rejects malformed data', async () => {
    const name = `ui-test-${crypto.randomUUID()}`;
    const s1 = await openStore(name);
    const run = await smallLabRun();
    await s1.saveRun(run);
    await s1.saveRun({ ...run, id: 'older', savedAt: run.savedAt - 1000 });
    s1.close();
    const s2 = await openStore(name);
    expect((await s2.listRuns()).map((r) => r.id)).toEqual([run.id, 'older']);
    expect(await s2.getRun(run.id)).toEqual(run);
    await expect(s2.saveOwnData({ source: 'csv', label: 'x', dataset: 'x', unit: 'u', T: 2, series: [[1]], savedAt: 0 })).rejects.toThrow(/series 0 must hold 2 finite numbers/);
    await s2.deleteRun('older');
    expect((await s2.listRuns()).map((r) => r.id)).toEqual([run.id]);
    s2.close();
    indexedDB.deleteDatabase(name);
  });
});

describe('<cs-export>', () => {
  it('offers exactly the final profiles as CSV and JSON', async () => {
    const meta = { protocol: 'chiaroscuro', dataset: 'lcl', k: 2, epsilon: 1, iterations: 3, unit: 'kWh' };
    const el = await mount<LitElement & { content(f: 'csv' | 'json'): string }>('cs-export', { profiles: [[1, 2], [3, 4.5]], meta });
    expect(el.content('csv')).toBe('profile,t1,t2\n1,1,2\n2,3,4.5\n');
    expect(JSON.parse(el.content('json')).profiles).toEqual([[1, 2], [3, 4.5]]);
    expect([...el.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Download CSV', 'Download JSON']);
  });
});

describe('<cs-selftest>', () => {
  it('exposes the e2e contract: data-testid, data-status ok, data-sum and the decrypted sum in its text', async () => {
    const el = await mount<LitElement>('cs-selftest', {
      runner: async () => ({ ok: true, bits: 512, values: [1n, 2n, 39n], sum: 42n, decrypted: 42n, ms: 5 }),
    });
    await vi.waitFor(() => expect(el.dataset['status']).toBe('ok'), { timeout: 10_000 });
    await el.updateComplete;
    expect(el.getAttribute('data-testid')).toBe('crypto-selftest');
    expect(el.getAttribute('data-status')).toBe('ok');
    expect(el.getAttribute('data-sum')).toBe('42');
    expect(el.textContent).toMatch(/1 \+ 2 \+ 39 encrypted .* decrypted sum = 42/s);
  });
  it('shows a failure instead of swallowing it', async () => {
    const el = await mount<LitElement>('cs-selftest', {
      runner: async () => ({ ok: false, bits: 512, values: [1n], sum: 1n, decrypted: undefined, ms: 1, error: 'worker crashed' }),
    });
    await vi.waitFor(() => expect(el.dataset['status']).toBe('error'), { timeout: 10_000 });
    await el.updateComplete;
    expect(el.getAttribute('data-status')).toBe('error');
    expect(el.textContent).toContain('worker crashed');
  });
});

describe('<cs-lobby>', () => {
  it('shows members, key holders, progress, ε and errors', async () => {
    let s = initialStatus({ iterations: 4, epsilon: 2 });
    s = applyEvent(s, { type: 'lobby', members: ['a', 'b', 'c'], holders: ['a', 'c'], status: 'running' });
    s = applyEvent(s, { type: 'iteration', iteration: 3, iterations: 4 });
    s = applyEvent(s, { type: 'result', iteration: 2, final: false, centroids: [[1]], epsilonSpent: 1 });
    s = applyStats(s, { bytesSent: 2048, bytesReceived: 1024, cryptoMs: 1500, peers: 2 });
    s = applyEvent(s, { type: 'error', error: 'holder c left' });
    const el = await mount('cs-lobby', { status: s });
    const dl = text(el, 'dl');
    expect(dl).toContain('3 (2 key holders)');
    expect(dl).toContain('1.000 of 2');
    expect(dl).toContain('2.0 kB');
    expect(text(el, '[role=status]')).toContain('iteration 3 of 4');
    expect(text(el, '[role=status]')).toContain('encrypting, gossiping and decrypting');
    expect(el.shadowRoot!.querySelector('[data-phase]')!.getAttribute('data-phase')).toBe('running');
    expect(el.shadowRoot!.querySelector('progress')!.value).toBeCloseTo(2.5 / 4);
    expect(text(el, '.error')).toBe('holder c left');
    expect(el.shadowRoot!.querySelector('[data-testid=stop-reason]')).toBeNull();
  });

  it('says why a round stopped early, and that its last iteration was not published', async () => {
    let s = initialStatus({ iterations: 4, epsilon: 2 });
    s = applyEvent(s, { type: 'result', iteration: 1, final: false, centroids: [[1]], epsilonSpent: 0.5 });
    s = applyEvent(s, { type: 'result', iteration: 2, final: true, centroids: [[1]], epsilonSpent: 0.5, stopReason: 'too-few-contributors' });
    expect(s).toMatchObject({ phase: 'done', released: 1, stopReason: 'too-few-contributors', epsilonSpent: 0.5 });
    const el = await mount('cs-lobby', { status: s });
    expect(text(el, '[data-testid=stop-reason]')).toContain('too few participants were left');
    // A round that reached its iteration cap needs no explanation.
    const plain = applyEvent(initialStatus({ iterations: 1, epsilon: 1 }), { type: 'result', iteration: 1, final: true, centroids: [[1]], epsilonSpent: 1, stopReason: 'max-iterations' });
    expect(plain.stopReason).toBe('max-iterations');
    const el2 = await mount('cs-lobby', { status: plain });
    expect(el2.shadowRoot!.querySelector('[data-testid=stop-reason]')).toBeNull();
    // An unknown reason is a malformed event, kept visible.
    const bad = applyEvent(initialStatus({ iterations: 1, epsilon: 1 }), { type: 'result', iteration: 1, final: true, centroids: [[1]], epsilonSpent: 1, stopReason: 'bored' });
    expect(bad.errors[0]).toMatch(/^Unrecognised round event/);
  });
});

async function smallLabRun() {
  const T = 6;
  const participants = Array.from({ length: 30 }, (_, i) => ({
    owner: `p${i}`,
    series: [Float64Array.from({ length: T }, (_, t) => (i % 2 === 0 ? 1 : 4) + 0.1 * Math.sin(t + i))],
  }));
  const config: RunConfig = {
    protocol: 'chiaroscuro', dataset: 'lcl', participants: 30, seriesPerParticipant: 1, k: 4, iterations: 3, epsilon: 1,
    strategy: 'uniform', smoothing: 1, keyBits: 0, seed: 3, population: 3_000_000, churn: 0, loss: 0, neighbors: 6,
  };
  return runLab({ config, participants, T, lo: 0, hi: 5, unit: 'kWh', datasetLabel: 'test' });
}

describe('lab engine + <cs-results> + <cs-history>', () => {
  it('a lab run finds the two groups and fills every view', async () => {
    const run = await smallLabRun();
    expect(run.centroids).toHaveLength(3);
    expect(run.lab!.sampled).toHaveLength(4);
    expect(run.lab!.noise[0]!.length).toBeGreaterThan(0);
    // Two true levels (1 and 4): the final profiles sit on them and inertia is near the reference.
    const levels = run.result.final.centroids.map((c) => c.reduce((a, b) => a + b, 0) / c.length).sort((a, b) => a - b);
    expect(levels[0]).toBeCloseTo(1, 0);
    expect(levels[levels.length - 1]).toBeCloseTo(4, 0);
    expect(run.result.final.inertia / run.result.final.referenceInertia).toBeLessThan(1.5);
    expect(run.result.final.epsilonSpent).toBeLessThanOrEqual(1 + 1e-12);

    const el = await mount<LitElement>('cs-results', { run });
    const tags = [...el.shadowRoot!.children].map((c) => c.tagName.toLowerCase());
    expect(tags).toEqual(expect.arrayContaining(['cs-closest-profile', 'cs-profiles-evolution', 'cs-sampled-participants', 'cs-noise-impact', 'cs-bobs-window', 'cs-inertia-view', 'cs-cost-views', 'cs-export']));
    const sampled = el.shadowRoot!.querySelector('cs-sampled-participants')!;
    await sampled.updateComplete;
    expect(text(sampled, '.warn')).toMatch(/never reveals/);
    expect(sampled.shadowRoot!.querySelectorAll('cs-chart')).toHaveLength(4);
  });

  it('history lists stored runs and compares two side by side', async () => {
    const name = `ui-test-${crypto.randomUUID()}`;
    const store = await openStore(name);
    const a = await smallLabRun();
    await store.saveRun(a);
    await store.saveRun({ ...a, id: 'b', label: 'run B', savedAt: a.savedAt + 1 });
    const el = await mount<LitElement & { load(): Promise<void> }>('cs-history', { store });
    await el.load();
    await el.updateComplete;
    const boxes = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type=checkbox]')];
    expect(boxes).toHaveLength(2);
    boxes.forEach((b) => b.dispatchEvent(new Event('change')));
    await el.updateComplete;
    const table = text(el, '.compare table');
    expect(table).toContain('run B');
    expect(table).toContain(a.result.final.inertia.toFixed(3));
    expect(el.shadowRoot!.querySelector('.compare a, a[href^="#/run/"]')?.getAttribute('href')).toBe('#/run/b');
    store.close();
    indexedDB.deleteDatabase(name);
  });
});
