/**
 * `<cs-lab>`: lab mode (classroom projector). One tab runs a whole Chiaroscuro round of M virtual
 * participants of a bundled dataset through the real simulator (gossip, threshold decryption, DP noise
 * shares) with an omniscient observer, and fills every view of the seed demo. With a key size the
 * participants really encrypt in the worker pool (M ≤ 1000); with "none", or above 1000, the
 * arithmetic is identical without encryption.
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { KeyBits, RunConfig } from '../sim/contract';
import type { LabCrypto, LabProgress } from '../app/lab/engine';
import { LAB_MAX_ENCRYPTED, runLab } from '../app/lab/engine';
import { PPKM_LAB_MAX_ENCRYPTED, runPpkmLab } from '../app/lab/ppkm-engine';
import type { PpkmCrypto } from '../protocol/ppkm/crypto';
import type { RunRecord } from '../app/run-record';
import type { Store } from '../app/storage';
import { datasetLabel, loadBundled, type BundledName } from '../app/datasets';
import type { OpTimes } from './logic/cost-model';
import { base } from './styles';
import './cs-results';

/** Lab form values. */
export interface LabSettings {
  /** Chiaroscuro (default) or PPkM (Zhu & Li 2020: exact, no differential privacy). */
  protocol?: 'chiaroscuro' | 'ppkm';
  dataset: BundledName;
  participants: number;
  seriesPerParticipant: number;
  k: number;
  iterations: number;
  epsilon: number;
  population: number;
  strategy: 'uniform' | 'geometric';
  smoothing: number;
  keyBits: KeyBits;
  seed: number;
}

/** "Try lab mode": electricity, 200 participants, 1024-bit keys. */
export const TRY_LAB: LabSettings = {
  dataset: 'lcl', participants: 200, seriesPerParticipant: 10, k: 8, iterations: 5, epsilon: 1,
  population: 1_000_000, strategy: 'uniform', smoothing: 1, keyBits: 1024, seed: 42,
};

/** Above this many participants, lab mode skips real encryption (the views stay identical). */
export { LAB_MAX_ENCRYPTED };

/** Lab mode page. */
@customElement('cs-lab')
export class CsLab extends LitElement {
  static override styles = base;
  @property({ attribute: false }) store: Store | undefined;
  /** Real-encryption factory (the app passes the worker pool's). */
  @property({ attribute: false }) crypto: ((bits: number) => LabCrypto) | undefined;
  /** PPkM encryption factory (the app passes the worker pool's); default: Paillier in this thread. */
  @property({ attribute: false }) ppkmCrypto: ((bits: number) => PpkmCrypto) | undefined;
  @property({ attribute: false }) measure: ((bits: number) => Promise<OpTimes>) | undefined;
  /** Start immediately with the current settings. */
  @property({ type: Boolean }) autorun = false;
  @property({ attribute: false }) settings: LabSettings = { ...TRY_LAB };
  @state() private progress: LabProgress | undefined;
  @state() private phase = '';
  @state() private error = '';
  @state() private run: RunRecord | undefined;
  @state() private abort: AbortController | undefined;

  override firstUpdated(): void {
    if (this.autorun) void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
  }

  override render() {
    const s = this.settings;
    const running = this.abort !== undefined;
    const num = (key: keyof LabSettings, label: string, min: number, max: number, step = 1) => html`<div class="field">
      <label for=${key}>${label}</label>
      <input id=${key} type="number" min=${min} max=${max} step=${step} .value=${String(s[key])} ?disabled=${running}
        @change=${(e: Event) => this.set(key, Number((e.target as HTMLInputElement).value))} /></div>`;
    return html`
      <section class="card">
        <h2>Lab mode</h2>
        <p class="warn"><strong>Omniscient observer.</strong> This tab simulates every participant, so it can show things a
          real swarm never reveals to anyone: other people's series and the centroids before noise. Use it to teach and
          explore; in a real round each tab only ever sees its own data and the noisy public profiles.</p>
        <form @submit=${(e: Event) => { e.preventDefault(); void this.start(); }}>
          <div class="grid">
            <div class="field"><label for="protocol">Protocol</label>
              <select id="protocol" ?disabled=${running} @change=${(e: Event) => this.set('protocol', (e.target as HTMLSelectElement).value as 'chiaroscuro' | 'ppkm')}>
                <option value="chiaroscuro" ?selected=${s.protocol !== 'ppkm'}>Chiaroscuro (encryption + differential privacy)</option>
                <option value="ppkm" ?selected=${s.protocol === 'ppkm'}>PPkM (exact, no noise; neighbours only)</option>
              </select></div>
            <div class="field"><label for="dataset">Dataset</label>
              <select id="dataset" ?disabled=${running} @change=${(e: Event) => this.set('dataset', (e.target as HTMLSelectElement).value as BundledName)}>
                ${(['lcl', 'tumor', 'italy'] as const).map((d) => html`<option value=${d} ?selected=${s.dataset === d}>${datasetLabel(d)}</option>`)}
              </select></div>
            ${num('participants', 'Participants (M)', 2, 100000)}
            ${num('seriesPerParticipant', 'Series per participant (L)', 1, 365)}
            ${num('k', 'Initial profiles (k)', 2, 50)}
            ${num('iterations', 'Iterations', 1, 30)}
            ${num('epsilon', 'Privacy budget ε', 0.01, 100, 0.01)}
            ${num('population', 'Population the noise is calibrated for', 2, 1e9)}
            <div class="field"><label for="strategy">Budget strategy</label>
              <select id="strategy" ?disabled=${running} @change=${(e: Event) => this.set('strategy', (e.target as HTMLSelectElement).value as LabSettings['strategy'])}>
                <option value="uniform" ?selected=${s.strategy === 'uniform'}>uniform (ε/I each)</option>
                <option value="geometric" ?selected=${s.strategy === 'geometric'}>geometric (ε/2, ε/4, …)</option>
              </select></div>
            ${num('smoothing', 'Smoothing window', 1, 12)}
            <div class="field"><label for="keyBits">Encryption</label>
              <select id="keyBits" ?disabled=${running} @change=${(e: Event) => this.set('keyBits', Number((e.target as HTMLSelectElement).value) as KeyBits)}>
                ${([0, 512, 1024, 2048] as const).map((b) => html`<option value=${b} ?selected=${s.keyBits === b}>${b === 0 ? 'none (same arithmetic, fast)' : `${b}-bit Paillier in workers`}</option>`)}
              </select></div>
            ${num('seed', 'Seed', 0, 2 ** 31)}
          </div>
          <div class="row">
            <button type="submit" ?disabled=${running}>Run lab</button>
            ${running ? html`<button type="button" class="secondary" @click=${() => this.abort?.abort()}>Stop</button>` : null}
          </div>
        </form>
        ${this.progress || this.phase ? html`<div class="progress" role="status" aria-live="polite">
          <progress max="1" .value=${this.progress?.fraction ?? 0} aria-label="Lab run progress"></progress>
          <p>${this.phase}${this.progress && this.abort ? html` · ${this.progress.phase === 'setup' ? this.progress.message ?? 'setting up' : `${this.progress.iteration} of ${this.progress.iterations} iterations published`}${s.protocol === 'ppkm' ? ' · no differential privacy' : ` · ε spent ${this.progress.epsilonSpent.toFixed(3)} of ${s.epsilon}`}` : null}</p>
        </div>` : null}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      </section>
      ${this.run ? html`<cs-results .run=${this.run} .measure=${this.measure}></cs-results>` : null}`;
  }

  /** PPkM lab run: M nodes on a neighbour graph of degree "neighbours" (6), no DP. */
  private async startPpkm(s: LabSettings, signal: AbortSignal): Promise<RunRecord> {
    this.phase = `Loading ${datasetLabel(s.dataset)} data…`;
    const dataset = await loadBundled(s.dataset, s.participants, s.seed);
    const encrypt = s.keyBits !== 0 && s.participants <= PPKM_LAB_MAX_ENCRYPTED;
    const how = !encrypt ? `no encryption${s.keyBits !== 0 ? ` (above ${PPKM_LAB_MAX_ENCRYPTED} nodes)` : ''}` : `${s.keyBits}-bit Paillier`;
    const head = `${s.participants} PPkM nodes · neighbours only, no differential privacy · ${how}`;
    this.phase = head;
    const config: RunConfig = {
      protocol: 'ppkm', dataset: s.dataset, participants: s.participants, seriesPerParticipant: s.seriesPerParticipant,
      k: s.k, iterations: s.iterations, epsilon: s.epsilon, strategy: s.strategy, smoothing: 1,
      keyBits: s.keyBits, seed: s.seed, population: Math.max(s.population, s.participants), churn: 0, loss: 0, neighbors: 6,
    };
    const run = await runPpkmLab(config, dataset, datasetLabel(s.dataset), {
      onProgress: (p) => { this.progress = p; }, signal, ...(this.ppkmCrypto ? { crypto: this.ppkmCrypto } : {}),
    });
    this.run = run;
    this.phase = `Done in ${run.result.final.wallSeconds.toFixed(1)} s (${run.result.final.iterations} iterations, ${how}; PPkM has no differential privacy: nothing to spend).`;
    if (this.store) await this.store.saveRun(run);
    this.dispatchEvent(new CustomEvent('run-finished', { detail: run, bubbles: true, composed: true }));
    return run;
  }

  private set<K extends keyof LabSettings>(key: K, value: LabSettings[K]): void {
    this.settings = { ...this.settings, [key]: value };
  }

  /** Runs the lab with the current settings; resolves with the record (also saved to history). */
  async start(): Promise<RunRecord | undefined> {
    const s = this.settings;
    this.error = '';
    this.run = undefined;
    this.progress = undefined;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    try {
      if (s.protocol === 'ppkm') return await this.startPpkm(s, signal);
      if (!(s.epsilon > 0)) throw new RangeError('ε must be above 0');
      if (!(s.population >= s.participants)) throw new RangeError('The population must be at least the number of participants');
      this.phase = `Loading ${datasetLabel(s.dataset)} data…`;
      const dataset = await loadBundled(s.dataset, s.participants, s.seed);
      const encrypt = s.keyBits !== 0 && s.participants <= LAB_MAX_ENCRYPTED;
      const crypto = encrypt && this.crypto ? this.crypto(s.keyBits) : undefined;
      const how = !encrypt
        ? `no encryption${s.keyBits !== 0 ? ` (above ${LAB_MAX_ENCRYPTED} participants)` : ''}`
        : crypto?.name ?? `${s.keyBits}-bit threshold Paillier in this tab's main thread`;
      const notes: string[] = [];
      const head = `${s.participants} virtual participants · gossip + threshold decryption · ${how}`;
      this.phase = head;
      const config: RunConfig = {
        protocol: 'chiaroscuro', dataset: s.dataset, participants: s.participants, seriesPerParticipant: s.seriesPerParticipant,
        k: s.k, iterations: s.iterations, epsilon: s.epsilon, strategy: s.strategy, smoothing: s.smoothing,
        keyBits: s.keyBits, seed: s.seed, population: s.population, churn: 0, loss: 0, neighbors: 6,
      };
      const run = await runLab(
        { config, dataset, datasetLabel: datasetLabel(s.dataset) },
        {
          onProgress: (p) => { this.progress = p; },
          onNote: (n) => { notes.push(n); this.phase = `${head} · ${notes.join(' · ')}`; },
          signal,
          ...(crypto ? { crypto } : {}),
        },
      );
      this.run = run;
      this.phase = `Done in ${run.result.final.wallSeconds.toFixed(1)} s (${run.result.final.iterations} iterations, ${how}).`;
      if (this.store) await this.store.saveRun(run);
      this.dispatchEvent(new CustomEvent('run-finished', { detail: run, bubbles: true, composed: true }));
      return run;
    } catch (e) {
      this.error = signal.aborted ? 'Stopped.' : `Lab run failed: ${e instanceof Error ? e.message : String(e)}`;
      return undefined;
    } finally {
      this.abort = undefined;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-lab': CsLab }
}
