/**
 * `<cs-profiles-evolution>`: the public perturbed profiles of one iteration, with a slider to move
 * through the iterations (seed demo: "evolution of profiles along the k-means iterations").
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { base } from './styles';
import './cs-chart';

/** Detail of the `iteration-change` event (1-based iteration). */
export interface IterationChange { iteration: number }

/** Profiles per iteration with an iteration slider. */
@customElement('cs-profiles-evolution')
export class CsProfilesEvolution extends LitElement {
  static override styles = base;
  /** centroids[i] = profiles after iteration i + 1. */
  @property({ attribute: false }) centroids: number[][][] = [];
  @property() unit = '';
  /** Shown iteration, 1-based. */
  @property({ type: Number }) iteration = 1;

  override render() {
    const I = this.centroids.length;
    if (I === 0) return html`<p class="muted">No iterations yet.</p>`;
    const it = Math.min(Math.max(1, this.iteration), I);
    const profiles = this.centroids[it - 1] ?? [];
    const T = profiles[0]?.length ?? 0;
    return html`<section class="card" aria-labelledby="evo-h">
      <h3 id="evo-h">Profiles along the iterations</h3>
      <div class="field">
        <label for="it">Iteration <output id="it-out" for="it">#${it}</output> of ${I}</label>
        <input id="it" type="range" min="1" max=${I} step="1" .value=${String(it)} style="width:100%"
          aria-valuetext=${`iteration ${it} of ${I}, ${profiles.length} profiles`} @input=${this.onInput} />
      </div>
      <p class="count">${profiles.length} profile${profiles.length === 1 ? '' : 's'} after iteration ${it} (public, perturbed).</p>
      <cs-chart caption=${`Profiles after iteration ${it}`} x-label="time step" y-label=${this.unit}
        .x=${Array.from({ length: T }, (_, t) => t + 1)}
        .lines=${profiles.map((p, j) => ({ label: `profile ${j + 1}`, values: p }))}></cs-chart>
    </section>`;
  }

  private onInput(e: Event): void {
    this.iteration = Number((e.target as HTMLInputElement).value);
    this.dispatchEvent(new CustomEvent<IterationChange>('iteration-change', { detail: { iteration: this.iteration }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-profiles-evolution': CsProfilesEvolution }
}
