/**
 * `<cs-cost-views>`: the seed demo's "time consumption per participant" (encrypt / add / decrypt per
 * iteration, for 512, 1024 and 2048-bit keys) and "network traffic" views. Operation counts come from
 * the run's alive centroids per iteration (cost model); times per operation come from reference
 * numbers until "Measure this device" benchmarks the worker pool. The run's own measured cost is
 * shown next to the model.
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RunResult } from '../sim/contract';
import { iterationCost, iterationMs, REFERENCE_OP_TIMES, type OpTimes } from './logic/cost-model';
import { base, formatBytes, formatMs } from './styles';
import './cs-chart';

const BITS = [512, 1024, 2048] as const;

/** Time and traffic per participant and iteration. */
@customElement('cs-cost-views')
export class CsCostViews extends LitElement {
  static override styles = base;
  @property({ attribute: false }) result: RunResult | undefined;
  @property({ type: Number }) T = 24;
  /** Benchmarks one key size on this device (the app passes the worker pool's). */
  @property({ attribute: false }) measure: ((bits: number) => Promise<OpTimes>) | undefined;
  @state() private times: OpTimes[] = [...REFERENCE_OP_TIMES];
  @state() private measured = false;
  @state() private measuring = '';
  @state() private error = '';

  override render() {
    const r = this.result;
    if (!r) return html``;
    const its = r.iterations;
    const shape = (k: number) => ({ k, T: this.T, participants: Math.max(1, r.participants), keyHolders: 10 });
    const x = its.map((i) => i.index);
    const per = (op: 'encrypt' | 'add' | 'decrypt') => BITS.map((bits, b) => ({
      label: `${bits} bits`,
      values: its.map((i) => iterationMs(iterationCost(shape(i.k), bits), this.times.find((t) => t.bits === bits)!)[op]),
      dash: b === 0 ? [2, 3] : b === 1 ? [8, 4] : undefined,
    }));
    const traffic = BITS.map((bits) => ({ label: `${bits} bits (model)`, values: its.map((i) => iterationCost(shape(i.k), bits).bytes / 1024) }));
    const keyBits = r.config.keyBits;
    return html`<section class="card" aria-labelledby="tc-h">
      <h3 id="tc-h">Time per participant and iteration</h3>
      <p class="muted">${this.measured ? 'Measured on this device, in the worker pool.' : 'Reference times (a recent laptop); measure this device for yours.'}
        Times fall when centroids are ejected.</p>
      <div class="row">
        <button class="secondary" ?disabled=${!this.measure || this.measuring !== ''} @click=${this.runMeasure}>
          ${this.measuring ? `Measuring ${this.measuring} bits…` : 'Measure this device'}</button>
        ${keyBits !== 0 ? html`<span>This run (${keyBits} bits): ${formatMs(its.reduce((s, i) => s + i.msPerParticipant, 0) / Math.max(1, its.length))} per participant and iteration</span>` : html`<span class="muted">This run used no encryption (key bits 0): times are modelled.</span>`}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      <div class="grid">
        <cs-chart height="180" caption="Encrypting (ms)" x-label="iteration" y-label="ms" .x=${x} .lines=${per('encrypt')}></cs-chart>
        <cs-chart height="180" caption="Adding (ms)" x-label="iteration" y-label="ms" .x=${x} .lines=${per('add')}></cs-chart>
        <cs-chart height="180" caption="Decrypting (ms)" x-label="iteration" y-label="ms" .x=${x} .lines=${per('decrypt')}></cs-chart>
      </div>
    </section>
    <section class="card" aria-labelledby="nt-h">
      <h3 id="nt-h">Network traffic per participant and iteration</h3>
      <p class="muted">Larger keys mean larger ciphertexts. Solid black: this run as measured (${formatBytes(its[0]?.bytesPerParticipant ?? Number.NaN)} in iteration 1).</p>
      <cs-chart caption="Traffic (kB)" x-label="iteration" y-label="kB" .x=${x}
        .lines=${[...traffic, { label: 'this run', values: its.map((i) => i.bytesPerParticipant / 1024), colour: '#000000', width: 3 }]}></cs-chart>
    </section>`;
  }

  private async runMeasure(): Promise<void> {
    if (!this.measure) return;
    this.error = '';
    try {
      const out: OpTimes[] = [];
      for (const bits of BITS) {
        this.measuring = String(bits);
        out.push(await this.measure(bits));
      }
      this.times = out;
      this.measured = true;
    } catch (e) {
      this.error = `Measuring failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.measuring = '';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-cost-views': CsCostViews }
}
