/**
 * `<cs-create-round>`: create a real round (use case, k, ε with its population, budget strategy,
 * smoothing, key size, iterations — validated, with plain-language help) with this tab's data, share
 * the join link and a QR code, follow the lobby, start it; or, opened from a join link
 * (`joinFragment`), pick this tab's data and join. When the round ends the results views fill from the
 * session's public centroids and the run is kept in History.
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import QRCode from 'qrcode';
import { DEFAULT_ROUND_FORM, DROPOUT_HELP, EPSILON_HELP, KEY_HELP, validateRoundForm, type RoundFormValues } from './logic/round-form';
import {
  announceLink, applyEvent, applyStats, configFromInfo, describeRound, explainJoinError, initialStatus, parseRoundHints, roundChoiceFor,
  type RoundApi, type RoundHints, type RoundInfo, type RoundSession, type RoundStatus,
} from '../app/round';
import { datasetLabel, loadBundled } from '../app/datasets';
import type { RunRecord } from '../app/run-record';
import type { Store } from '../app/storage';
import { swarmRecord, type ReleasedIteration } from '../app/swarm-record';
import type { RunConfig } from '../sim/contract';
import type { OpTimes } from './logic/cost-model';
import type { CsRoundData, RoundData } from './cs-round-data';
import { secureRng } from '../core/rng';
import { base } from './styles';
import './cs-lobby';
import './cs-round-data';
import './cs-results';

/** Mean of a participant's series: "your average day" for the results views (shown only in this tab). */
function meanSeries(series: readonly number[][], T: number): number[] {
  const out = new Array<number>(T).fill(0);
  for (const s of series) for (let t = 0; t < T; t++) out[t]! += (s[t] ?? 0) / series.length;
  return out;
}

/** Create / join a round. */
@customElement('cs-create-round')
export class CsCreateRound extends LitElement {
  static override styles = base;
  /** A join link's fragment (round id + secret, then the announced settings); when set, the element joins. */
  @property() joinFragment = '';
  /** How sessions are opened (injected by the shell; a fake in component tests). */
  @property({ attribute: false }) api: RoundApi | undefined;
  @property({ attribute: false }) store: Store | undefined;
  @property({ attribute: false }) measure: ((bits: number) => Promise<OpTimes>) | undefined;
  @state() values: RoundFormValues = { ...DEFAULT_ROUND_FORM };
  @state() errors: Partial<Record<keyof RoundFormValues, string>> = {};
  @state() private link = '';
  @state() private qr = '';
  @state() private status: RoundStatus | undefined;
  @state() private failure = '';
  @state() private busy = false;
  @state() private record: RunRecord | undefined;
  @state() private saved = '';
  /** The round's public parameters from its creator (joiners: replaces the link's hints once joined). */
  @state() private info: RoundInfo | undefined;
  private session: RoundSession | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private released: ReleasedIteration[] = [];
  private startedAt = 0;
  private data: RoundData | undefined;
  private config: RunConfig | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopPolling();
    this.session?.leave();
    this.session = undefined;
  }

  override render() {
    return html`${this.joinFragment ? this.renderJoin() : this.renderCreate()}
      <cs-lobby .status=${this.status}></cs-lobby>
      ${this.saved ? html`<p class="card" role="status">${this.saved} <a href="#/history">Open History</a></p>` : null}
      ${this.record ? html`<cs-results .run=${this.record} .measure=${this.measure}></cs-results>` : null}`;
  }

  private hints(): RoundHints | string {
    try { return parseRoundHints(`#${this.joinFragment}`); } catch (e) { return (e as Error).message; }
  }

  private renderJoin() {
    const h = this.hints();
    if (typeof h === 'string') {
      return html`<section class="card"><h2>Join a round</h2><p class="error" role="alert">This is not a valid join link: ${h.replace(/^join link: /, '')}. Ask the round's creator to send it again.</p></section>`;
    }
    const info = this.info;
    const differs = info && (info.protocol !== (h.protocol ?? 'chiaroscuro') || info.dataset !== h.dataset || info.k !== h.k || info.iterations !== h.iterations
      || info.keyBits !== h.keyBits || info.L !== h.L || (info.protocol === 'chiaroscuro' && (info.epsilon !== h.epsilon || info.strategy !== h.strategy || info.smoothing !== h.smoothing || info.population !== h.population)));
    return html`<section class="card" aria-labelledby="jr-h">
      <h2 id="jr-h">Join a round</h2>
      ${info
        ? html`<p data-testid="round-params">The round's parameters, sent by its creator: ${describeRound({ ...info, dataset: datasetLabel(info.dataset) })}.</p>
          ${differs ? html`<p class="warn" data-testid="hints-differ">The join link announced different settings; the round runs with the creator's parameters above.</p>` : null}`
        : html`<p>The link announces (a preview; the creator's real parameters arrive when you join): ${h.protocol === 'ppkm' ? 'PPkM (exact, no differential privacy), ' : ''}${datasetLabel(h.dataset)}, k ${h.k}, ${h.iterations} iteration${h.iterations === 1 ? '' : 's'}${h.protocol === 'ppkm' ? '' : `, ε ${h.epsilon} (${h.strategy})`}, ${h.keyBits}-bit keys, at most ${h.L} series per participant.</p>`}
      ${this.session ? null : html`<cs-round-data .store=${this.store} use-case=${h.dataset}></cs-round-data>
        <button @click=${() => void this.join(h)} ?disabled=${this.busy}>Join the round</button>`}
      ${this.failure ? html`<p class="error" role="alert">${this.failure}</p>` : null}
    </section>`;
  }

  private renderCreate() {
    const v = this.values;
    const field = (key: keyof RoundFormValues, label: string, input: unknown, help?: string) => html`<div class="field">
      <label for=${key}>${label}</label>${input}
      ${help ? html`<p class="help" id=${`${key}-help`}>${help}</p>` : null}
      ${this.errors[key] ? html`<p class="field-error" id=${`${key}-err`} role="alert">${this.errors[key]}</p>` : null}</div>`;
    const describedBy = (key: keyof RoundFormValues, help = false) => [help ? `${key}-help` : '', this.errors[key] ? `${key}-err` : ''].filter(Boolean).join(' ');
    const text = (key: keyof RoundFormValues, mode = 'numeric', help = false) => html`<input id=${key} inputmode=${mode} .value=${v[key]}
      aria-invalid=${this.errors[key] ? 'true' : 'false'} aria-describedby=${describedBy(key, help)} @input=${(e: Event) => this.set(key, (e.target as HTMLInputElement).value)} />`;
    const select = (key: keyof RoundFormValues, options: Array<[string, string]>, help = false) => html`<select id=${key} aria-invalid=${this.errors[key] ? 'true' : 'false'} aria-describedby=${describedBy(key, help)}
      @change=${(e: Event) => this.set(key, (e.target as HTMLSelectElement).value)}>
      ${options.map(([val, lab]) => html`<option value=${val} ?selected=${v[key] === val}>${lab}</option>`)}</select>`;
    const bundled = v.useCase === 'lcl' || v.useCase === 'tumor';
    const dp = v.protocol !== 'ppkm';
    return html`<section class="card" aria-labelledby="cr-h">
      <h2 id="cr-h">Create a round</h2>
      <form novalidate @submit=${this.submit}>
        <fieldset ?disabled=${this.session !== undefined || this.busy} style="border:0;padding:0;margin:0">
        <div class="grid">
          ${field('useCase', 'Use case', select('useCase', [['lcl', 'Electricity (daily load curves)'], ['tumor', 'Tumour growth'], ['csv', 'Own CSV (each participant imports a file)']]))}
          ${field('protocol', 'Protocol', select('protocol', [['chiaroscuro', 'Chiaroscuro (encryption + differential privacy)'], ['ppkm', 'PPkM (exact, no noise)']]))}
          ${field('k', 'Number of profiles k', text('k'))}
          ${field('iterations', 'Iterations', text('iterations'))}
          ${dp ? html`${field('epsilon', 'Privacy budget ε', text('epsilon', 'decimal', true), EPSILON_HELP)}
          ${field('population', 'Population the noise is calibrated for', text('population', 'numeric', true), 'How many people you expect in the whole population (at least the number of tabs).')}
          ${field('dropout', 'Expected dropout (%)', text('dropout', 'numeric', true), DROPOUT_HELP)}
          ${field('strategy', 'Budget strategy', select('strategy', [['uniform', 'Uniform: the same ε each iteration'], ['geometric', 'Geometric: ε/2, ε/4, … (more for early iterations)']]))}
          ${field('smoothing', 'Smoothing window', text('smoothing', 'numeric', true), '1 = off; a moving average over this many time steps reduces visible noise.')}`
          : html`<p class="help" data-testid="ppkm-note">PPkM adds no noise: every tab learns exact centroids of its neighbourhood (on a small round, everyone's), protected by encryption and masking only. Each tab links only to its neighbours in a graph the creator hands out at start.</p>`}
          ${field('keyBits', 'Key size', select('keyBits', [['512', '512 bits (tests only)'], ['1024', '1024 bits (demo)'], ['2048', '2048 bits (recommended)']], true), KEY_HELP)}
          ${field('seriesPerParticipant', 'Series per participant (L)', text('seriesPerParticipant', 'numeric', true), 'Each tab contributes at most this many series (bounds what one person can change).')}
        </div>
        ${bundled ? html`<cs-round-data .store=${this.store} use-case=${v.useCase}></cs-round-data>` : null}
        <button type="submit">Create round and get the join link</button>
        </fieldset>
      </form>
      ${this.failure ? html`<p class="error" role="alert">${this.failure}</p>` : null}
    </section>
    ${this.link ? html`<section class="card" aria-labelledby="jl-h">
      <h3 id="jl-h">Join link</h3>
      <p>Share this link (it contains the round's secret after the #, which never reaches a server):</p>
      <p><input readonly style="width:100%" aria-label="Join link" data-testid="join-link" .value=${this.link} /></p>
      <div class="row"><button class="secondary" @click=${() => void navigator.clipboard?.writeText(this.link).catch(() => {})}>Copy link</button>
        <button @click=${this.start} ?disabled=${this.status?.phase !== 'lobby' || this.busy}>Start the round (${this.status?.members.length ?? 0} member${this.status?.members.length === 1 ? '' : 's'})</button></div>
      ${this.qr ? html`<img src=${this.qr} width="220" height="220" alt="QR code of the join link" />` : null}
    </section>` : null}`;
  }

  private set(key: keyof RoundFormValues, value: string): void {
    this.values = { ...this.values, [key]: value };
    if (this.errors[key]) {
      const r = validateRoundForm(this.values, 1);
      this.errors = r.ok ? {} : r.errors;
    }
  }

  private selectedData(): RoundData | undefined {
    return this.renderRoot.querySelector<CsRoundData>('cs-round-data')?.selection();
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    this.failure = '';
    const r = validateRoundForm(this.values, secureRng().nextUint32() >>> 1);
    const errors = r.ok ? {} : { ...r.errors };
    // Real rounds run over a bundled use case (its value range is public).
    if (this.values.useCase === 'csv') errors.useCase = 'A round over own CSV files needs a value range agreed in advance; choose electricity or tumour growth for now.';
    if (!r.ok || Object.keys(errors).length > 0) {
      this.errors = errors;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.errors = {};
    const data = this.selectedData();
    if (!data) { this.failure = 'Your data for this round is still loading; try again in a moment.'; return; }
    if (!this.api) { this.failure = 'The swarm is not available on this page.'; return; }
    this.busy = true;
    try {
      const c = r.config;
      const ds = await loadBundled(c.dataset as 'lcl' | 'tumor', 50);
      if (data.T !== ds.T) throw new RangeError(`your data has ${data.T} values per series, the round needs ${ds.T}`);
      const session = await this.api.create(roundChoiceFor(c, ds), data.series, location.origin + location.pathname);
      this.config = c;
      this.attach(session, data, c);
      this.info = session.params ?? undefined;
      this.link = announceLink(session.link, {
        ...(c.protocol === 'ppkm' ? { protocol: 'ppkm' as const } : {}),
        dataset: c.dataset as 'lcl' | 'tumor', k: c.k, iterations: c.iterations, epsilon: c.epsilon, keyBits: c.keyBits,
        L: c.seriesPerParticipant, strategy: c.strategy, smoothing: c.smoothing, population: c.population,
      });
      this.qr = await QRCode.toDataURL(this.link, { margin: 1, width: 220 });
    } catch (err) {
      this.failure = `Could not create the round: ${(err as Error).message}`;
    } finally {
      this.busy = false;
    }
  }

  private async start(): Promise<void> {
    if (!this.session) return;
    this.busy = true;
    this.startedAt = performance.now();
    try {
      await this.session.start();
    } catch (err) {
      this.failure = `The round could not start: ${(err as Error).message}`;
    } finally {
      this.busy = false;
    }
  }

  private async join(h: RoundHints): Promise<void> {
    this.failure = '';
    const data = this.selectedData();
    if (!data) { this.failure = 'Your data for this round is still loading; try again in a moment.'; return; }
    if (!this.api) { this.failure = 'The swarm is not available on this page.'; return; }
    this.busy = true;
    this.status = initialStatus({ iterations: h.iterations, epsilon: h.epsilon });
    try {
      const config: RunConfig = {
        protocol: 'chiaroscuro', dataset: h.dataset, participants: 0, seriesPerParticipant: h.L, k: h.k, iterations: h.iterations,
        epsilon: h.epsilon, strategy: h.strategy, smoothing: h.smoothing, keyBits: h.keyBits as RunConfig['keyBits'], seed: 0,
        population: h.population, churn: 0, loss: 0, neighbors: 6,
      };
      const session = await this.api.join(`#${this.joinFragment}`, data.series);
      // The creator's public parameters (they arrive before the join completes) replace the link's hints.
      const info = session.params ?? undefined;
      if (info && info.T !== data.T) {
        session.leave();
        throw new RangeError(`your data has ${data.T} values per series, but this round's series have ${info.T} (${datasetLabel(info.dataset)}); pick data of that use case`);
      }
      this.info = info;
      const real = info ? configFromInfo(info) : config;
      this.config = real;
      this.attach(session, data, real);
    } catch (err) {
      this.failure = explainJoinError(err);
      this.status = { ...this.status, phase: 'refused' }; // the reason is shown once, above
    } finally {
      this.busy = false;
    }
  }

  private attach(session: RoundSession, data: RoundData, c: RunConfig): void {
    this.session = session;
    this.data = data;
    this.released = [];
    this.status = { ...initialStatus(c), ...(session.link ? { link: session.link } : {}) };
    // The session emits its lobby/phase before we subscribe: seed the members from it.
    this.status = applyEvent(this.status, { type: 'lobby', members: [...session.members()], holders: [], status: 'lobby' });
    // …and the round's public parameters (a joiner's arrive before its join completes).
    if (session.params) this.status = applyEvent(this.status, { type: 'params', params: session.params });
    session.onEvent((ev) => this.onEvent(ev));
    this.timer = setInterval(() => this.poll(), 500);
  }

  private onEvent(ev: unknown): void {
    const s = this.session;
    if (!s || !this.status) return;
    let next = applyEvent(this.status, ev);
    next = { ...next, members: next.members.map((m) => ({ ...m, label: m.id === s.self ? 'you' : m.id.endsWith('-hub') ? 'round creator' : `member …${m.id.slice(-4)}` })) };
    const e = ev as { type?: string; phase?: string };
    if (e.type === 'params' && next.params) { this.info = next.params; if (this.config) this.config = { ...configFromInfo(next.params, this.config.seed), participants: this.config.participants }; }
    if (e.type === 'phase' && (e.phase === 'linking' || e.phase === 'running') && this.startedAt === 0) this.startedAt = performance.now();
    if (e.type === 'result') {
      const r = ev as { iteration: number; centroids: number[][]; epsilonSpent: number; priorInertia?: number };
      const st = s.stats();
      this.released.push({
        iteration: r.iteration, centroids: r.centroids, epsilonSpent: r.epsilonSpent, bytes: st.bytesSent + st.bytesReceived, cryptoMs: st.cryptoMs,
        ...(r.priorInertia !== undefined ? { priorInertia: r.priorInertia } : {}),
      });
    }
    this.status = applyStats(next, s.stats());
    if (this.status.phase === 'done' && !this.record) void this.finish();
  }

  private poll(): void {
    if (this.session && this.status) this.status = applyStats(this.status, this.session.stats());
  }

  private stopPolling(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async finish(): Promise<void> {
    const s = this.session, data = this.data, c = this.config;
    if (!s || !data || !c || this.released.length === 0) return;
    this.poll();
    this.stopPolling();
    const participants = Math.max(1, this.status?.members.length ?? s.members().length);
    const own = { label: `your average over ${Math.min(data.series.length, c.seriesPerParticipant)} series`, series: meanSeries(data.series.slice(0, c.seriesPerParticipant), data.T) };
    const record = swarmRecord({
      id: `swarm-${s.round}-${s.self.slice(-6)}`, savedAt: Date.now(), label: `Swarm · ${c.protocol === 'ppkm' ? 'PPkM · ' : ''}${datasetLabel(c.dataset)} · ${participants} tabs · ${c.keyBits} bits`,
      config: c, participants, T: data.T, unit: data.unit, released: this.released,
      wallSeconds: this.startedAt > 0 ? (performance.now() - this.startedAt) / 1000 : 0, own,
    });
    this.record = record;
    try {
      if (this.store) { await this.store.saveRun(record); this.saved = 'This run is kept in History.'; }
      else this.saved = 'Storage is unavailable: this run will not be kept.';
    } catch (err) {
      this.saved = `This run could not be kept in History: ${(err as Error).message}`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-create-round': CsCreateRound }
}
