/**
 * `<cs-inertia-view>`: intra-cluster inertia of the perturbed profiles along the iterations, with the
 * centralised non-private reference (BRIEF §7) for scale.
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { IterationReport } from '../sim/contract';
import { base } from './styles';
import './cs-chart';

/** Inertia along iterations. */
@customElement('cs-inertia-view')
export class CsInertiaView extends LitElement {
  static override styles = base;
  @property({ attribute: false }) iterations: IterationReport[] = [];
  @property({ type: Number }) reference = Number.NaN;

  override render() {
    const its = this.iterations;
    const last = its[its.length - 1];
    const estimated = its.filter((r) => r.privateInertia !== undefined);
    if (its.length > 0 && its.every((r) => !Number.isFinite(r.inertia)) && estimated.length > 0) {
      const lastEst = estimated[estimated.length - 1]!;
      return html`<section class="card" aria-labelledby="in-h" data-testid="inertia-private">
        <h3 id="in-h">Intra-cluster inertia (private estimate)</h3>
        <p class="muted">Estimated by the swarm itself: every tab added its own squared distances, with a differential-privacy
          noise share, to the same encrypted aggregate as the profiles (a small share of each iteration's ε). The estimate of an
          iteration's profiles arrives with the next iteration, so the last one has none. Nobody saw un-noised data.</p>
        <p class="summary">After iteration ${lastEst.index}: ≈ ${lastEst.privateInertia!.toFixed(3)}</p>
        <cs-chart caption="Private inertia estimate per iteration" x-label="iteration" y-label="inertia"
          .x=${estimated.map((r) => r.index)}
          .lines=${[{ label: 'private estimate', values: estimated.map((r) => r.privateInertia!) }]}></cs-chart>
      </section>`;
    }
    if (its.length > 0 && its.every((r) => !Number.isFinite(r.inertia))) {
      return html`<section class="card" aria-labelledby="in-h">
        <h3 id="in-h">Intra-cluster inertia</h3>
        <p class="muted" data-testid="inertia-unavailable">Unavailable in a real swarm: inertia needs every participant's data, and this
          round released no private estimate of it (none is made without a budget share for it, nor before a second iteration). Nobody — not this tab, not the creator — sees un-noised data.
          Lab mode shows inertia with its omniscient observer.</p>
      </section>`;
    }
    return html`<section class="card" aria-labelledby="in-h">
      <h3 id="in-h">Intra-cluster inertia</h3>
      <p class="muted">Mean squared distance of every series to its closest profile (lower is better), measured by the
        simulator's omniscient evaluator; dashed: centralised k-means without privacy.</p>
      ${last ? html`<p class="summary">After iteration ${last.index}: ${last.inertia.toFixed(3)}${Number.isFinite(this.reference) ? html` · reference ${this.reference.toFixed(3)} · ratio ${(last.inertia / this.reference).toFixed(2)}` : null}</p>` : null}
      <cs-chart caption="Inertia per iteration" x-label="iteration" y-label="inertia"
        .x=${its.map((r) => r.index)}
        .lines=${[{ label: 'perturbed profiles', values: its.map((r) => r.inertia) },
          ...(estimated.length > 0 ? [{ label: 'swarm’s private estimate', values: its.map((r) => r.privateInertia ?? Number.NaN), dash: [2, 3] }] : []),
          ...(Number.isFinite(this.reference) ? [{ label: 'non-private reference', values: its.map(() => this.reference), dash: [6, 4], colour: '#4a5160' }] : [])]}></cs-chart>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-inertia-view': CsInertiaView }
}
