/**
 * `<cs-noise-impact>` (lab mode only): the first four centroids of an iteration before and after the
 * differential-privacy noise (seed demo: "impact of noise"). Labelled as illustrative: the noise and
 * un-noised centroids never appear in the clear in a real swarm.
 * @module
 */
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { NoisePair } from '../app/run-record';
import { base } from './styles';
import './cs-chart';

/** Centroids before / after noise for one iteration. */
@customElement('cs-noise-impact')
export class CsNoiseImpact extends LitElement {
  static override styles = [base, css`.grid { grid-template-columns: repeat(auto-fit, minmax(min(100%, 260px), 1fr)); }`];
  /** noise[i] = pairs of iteration i + 1. */
  @property({ attribute: false }) noise: NoisePair[][] = [];
  @property({ type: Number }) iteration = 1;
  @property() unit = '';

  override render() {
    const it = Math.min(Math.max(1, this.iteration), this.noise.length);
    const pairs = this.noise[it - 1] ?? [];
    return html`<section class="card" aria-labelledby="ni-h">
      <h3 id="ni-h">Impact of noise at iteration ${it}</h3>
      <p class="warn">Lab view (omniscient observer): "before noise" is the exact mean of the true series assigned to each
        previous public centroid, computed by this tab because it simulates everyone — in a real swarm nobody ever sees them.
        "After noise" is the centroid the protocol published.</p>
      ${pairs.length === 0 ? html`<p class="muted">No centroid left at this iteration.</p>` : null}
      <div class="grid">
        ${pairs.map((p) => html`<cs-chart height="160" caption=${`Centroid ${p.id + 1}`} y-label=${this.unit}
          .x=${p.before.map((_, t) => t + 1)}
          .lines=${[{ label: 'before noise', values: p.before, colour: '#0072B2', dash: [6, 4] }, { label: 'after noise', values: p.after, colour: '#D55E00' }]}></cs-chart>`)}
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-noise-impact': CsNoiseImpact }
}
