/**
 * `<cs-sampled-participants>` (lab mode only): four sampled participants' own series with their
 * closest perturbed centroid at the chosen iteration, as in the seed demo. A real swarm never shows
 * anyone else's series; the element says so.
 * @module
 */
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SampledParticipant } from '../app/run-record';
import { base } from './styles';
import './cs-chart';

/** Four sampled participants and their closest perturbed centroid. */
@customElement('cs-sampled-participants')
export class CsSampledParticipants extends LitElement {
  static override styles = [base, css`.grid { grid-template-columns: repeat(auto-fit, minmax(min(100%, 260px), 1fr)); }`];
  @property({ attribute: false }) sampled: SampledParticipant[] = [];
  @property({ attribute: false }) centroids: number[][][] = [];
  @property({ type: Number }) iteration = 1;
  @property() unit = '';

  override render() {
    const it = Math.min(Math.max(1, this.iteration), this.centroids.length);
    const profiles = this.centroids[it - 1] ?? [];
    return html`<section class="card" aria-labelledby="sp-h">
      <h3 id="sp-h">Four sampled participants at iteration ${it}</h3>
      <p class="warn">Lab view (omniscient observer): a real swarm never reveals anyone's series.</p>
      <div class="grid">
        ${this.sampled.map((s) => {
          const j = s.closest[it - 1] ?? -1;
          // PPkM: the participant's own node's centroid (each node has its own set).
          const c = s.profiles ? s.profiles[it - 1] : profiles[j];
          return html`<div class="participant">
            <cs-chart height="160" caption=${`${s.label}: closest profile ${j >= 0 ? j + 1 : '–'}${s.profiles ? ' of its own node' : ''}`} y-label=${this.unit}
              .x=${s.series.map((_, t) => t + 1)}
              .lines=${[{ label: 'own series', values: s.series, colour: '#000000' }, ...(c ? [{ label: `profile ${j + 1}`, values: c, colour: '#D55E00', dash: [6, 4] }] : [])]}></cs-chart>
          </div>`;
        })}
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-sampled-participants': CsSampledParticipants }
}
