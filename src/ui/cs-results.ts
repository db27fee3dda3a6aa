/**
 * `<cs-results>`: every results view of a run — your series vs the closest profile, profiles along
 * the iterations (slider), in lab mode the four sampled participants and the impact of noise, Bob's
 * window, inertia, time and traffic, exports. Used live, for lab runs and to replay history.
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RunRecord } from '../app/run-record';
import type { OpTimes } from './logic/cost-model';
import { base } from './styles';
import './cs-closest-profile';
import './cs-profiles-evolution';
import './cs-sampled-participants';
import './cs-noise-impact';
import './cs-bobs-window';
import './cs-inertia-view';
import './cs-cost-views';
import './cs-export';

/** All results views of one run. */
@customElement('cs-results')
export class CsResults extends LitElement {
  static override styles = base;
  @property({ attribute: false }) run: RunRecord | undefined;
  /** The viewer's own series (overrides the run's `own`), e.g. from "Your data". */
  @property({ attribute: false }) own: { label: string; series: number[] } | undefined;
  @property({ attribute: false }) measure: ((bits: number) => Promise<OpTimes>) | undefined;
  @state() private iteration = 0;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('run')) this.iteration = this.run?.centroids.length ?? 0;
  }

  override render() {
    const run = this.run;
    if (!run) return html`<p class="muted">No run to show.</p>`;
    const final = run.centroids[run.centroids.length - 1] ?? [];
    const own = this.own && this.own.series.length === run.T ? this.own : run.own;
    const r = run.result;
    return html`
      <section class="card">
        <h2>${run.label}</h2>
        <p class="muted">${r.protocol} · k ${r.config.k} → ${final.length} profiles · ${r.iterations.length} iterations ·
          ${r.protocol === 'ppkm' ? 'no differential privacy (exact centroids)' : html`ε spent ${r.final.epsilonSpent.toFixed(3)} of ${r.config.epsilon} · population ${r.config.population}`} · ${r.final.wallSeconds.toFixed(1)} s</p>
      </section>
      <cs-closest-profile .series=${own?.series ?? []} .profiles=${final} .label=${own?.label ?? 'your series'} unit=${run.unit}></cs-closest-profile>
      <cs-profiles-evolution .centroids=${run.centroids} .iteration=${this.iteration} unit=${run.unit}
        @iteration-change=${(e: CustomEvent<{ iteration: number }>) => { this.iteration = e.detail.iteration; }}></cs-profiles-evolution>
      ${run.lab ? html`
        <cs-sampled-participants .sampled=${run.lab.sampled} .centroids=${run.centroids} .iteration=${this.iteration} unit=${run.unit}></cs-sampled-participants>
        ${r.protocol === 'ppkm'
          ? html`<section class="card" data-testid="no-dp"><h3>No noise to show</h3><p>PPkM adds no differential-privacy noise: its
              centroids are exact, so there is no "before/after noise" view. Its protection is encryption and masking only; each
              node's exact centroids reveal what k-means reveals.</p></section>`
          : html`<cs-noise-impact .noise=${run.lab.noise} .iteration=${this.iteration} unit=${run.unit}></cs-noise-impact>`}` : null}
      ${own ? html`<cs-bobs-window .series=${own.series} .profiles=${final} label=${own.label} unit=${run.unit}></cs-bobs-window>` : null}
      <cs-inertia-view .iterations=${r.iterations} .reference=${r.final.referenceInertia}></cs-inertia-view>
      <cs-cost-views .result=${r} .T=${run.T} .measure=${this.measure}></cs-cost-views>
      <cs-export .profiles=${final} basename=${`profiles-${run.id}`}
        .meta=${{ protocol: r.protocol, dataset: r.config.dataset, k: final.length, epsilon: r.protocol === 'ppkm' ? 0 : r.config.epsilon, iterations: r.iterations.length, unit: run.unit }}></cs-export>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-results': CsResults }
}
