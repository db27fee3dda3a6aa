/**
 * `<cs-closest-profile>`: your own series against the closest public profile (computed locally).
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { closestProfile } from './logic/closest';
import { base } from './styles';
import './cs-chart';

/** Own series vs closest profile. */
@customElement('cs-closest-profile')
export class CsClosestProfile extends LitElement {
  static override styles = base;
  @property({ attribute: false }) series: number[] = [];
  @property({ attribute: false }) profiles: number[][] = [];
  @property() label = 'your series';
  @property() unit = '';

  override render() {
    if (this.series.length === 0) return html`<section class="card"><h3>Your series and its closest profile</h3><p class="muted">Add your data to compare it with the profiles.</p></section>`;
    let match;
    try {
      match = closestProfile(this.series, this.profiles);
    } catch (e) {
      return html`<section class="card"><h3>Your series and its closest profile</h3><p class="error" role="alert">${(e as Error).message}</p></section>`;
    }
    const p = match ? this.profiles[match.index] : undefined;
    return html`<section class="card" aria-labelledby="cp-h">
      <h3 id="cp-h">Your series and its closest profile</h3>
      <p class="result">${match
        ? html`Closest: <strong>profile ${match.index + 1}</strong> of ${this.profiles.length} (distance ${Math.sqrt(match.distance2).toFixed(2)} ${this.unit}). Computed in this tab.`
        : 'No profiles.'}</p>
      <cs-chart caption="Your series vs closest profile" x-label="time step" y-label=${this.unit}
        .x=${this.series.map((_, t) => t + 1)}
        .lines=${[{ label: this.label, values: this.series, colour: '#000000' }, ...(p ? [{ label: `profile ${match!.index + 1}`, values: p, colour: '#D55E00', dash: [6, 4] }] : [])]}></cs-chart>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-closest-profile': CsClosestProfile }
}
