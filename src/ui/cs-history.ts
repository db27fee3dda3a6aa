/**
 * `<cs-history>`: finished runs kept in IndexedDB — replay one in the results views, or compare two
 * side by side (inertia along iterations and key numbers).
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RunRecord } from '../app/run-record';
import type { Store } from '../app/storage';
import { base, formatBytes } from './styles';
import './cs-chart';

/** Past runs: replay and compare. */
@customElement('cs-history')
export class CsHistory extends LitElement {
  static override styles = base;
  @property({ attribute: false }) store: Store | undefined;
  @state() runs: RunRecord[] = [];
  @state() selected: string[] = [];
  @state() private error = '';
  @state() private loaded = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  /** Reloads the list from storage. */
  async load(): Promise<void> {
    try {
      this.runs = this.store ? await this.store.listRuns() : [];
    } catch (e) {
      this.error = `History could not be read: ${(e as Error).message}`;
    }
    this.loaded = true;
  }

  override render() {
    const pick = this.selected.map((id) => this.runs.find((r) => r.id === id)).filter((r): r is RunRecord => r !== undefined);
    return html`<section class="card" aria-labelledby="hi-h">
      <h2 id="hi-h">History</h2>
      <p class="muted">Every finished run is kept in this browser (configuration and public outputs only). Tick two to compare.</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${this.loaded && this.runs.length === 0 ? html`<p>No runs yet — <a href="#/lab/try">try lab mode</a>.</p>` : null}
      <ul style="list-style:none;padding:0">
        ${this.runs.map((r) => html`<li class="run row" style="margin-bottom:0.4rem">
          <input type="checkbox" id=${`c-${r.id}`} .checked=${this.selected.includes(r.id)} @change=${() => this.toggle(r.id)}
            aria-label=${`Compare ${r.label}`} />
          <a href=${`#/run/${encodeURIComponent(r.id)}`}>${r.label}</a>
          <span class="muted">${new Date(r.savedAt).toLocaleString()}</span>
          <button class="secondary" @click=${() => this.deleteRun(r.id)} aria-label=${`Delete ${r.label}`}>Delete</button>
        </li>`)}
      </ul>
    </section>
    ${pick.length === 2 ? this.compare(pick[0]!, pick[1]!) : null}`;
  }

  private compare(a: RunRecord, b: RunRecord) {
    const n = Math.max(a.result.iterations.length, b.result.iterations.length);
    const at = (r: RunRecord, i: number) => r.result.iterations[i]?.inertia ?? Number.NaN;
    const row = (label: string, f: (r: RunRecord) => string) => html`<tr><th scope="row">${label}</th><td>${f(a)}</td><td>${f(b)}</td></tr>`;
    return html`<section class="card compare" aria-labelledby="cmp-h">
      <h3 id="cmp-h">Side by side</h3>
      <div style="overflow-x:auto"><table>
        <thead><tr><th></th><th scope="col">A: ${a.label}</th><th scope="col">B: ${b.label}</th></tr></thead>
        <tbody>
          ${row('protocol', (r) => r.result.protocol)}
          ${row('ε (spent)', (r) => `${r.result.config.epsilon} (${r.result.final.epsilonSpent.toFixed(3)})`)}
          ${row('strategy', (r) => r.result.config.strategy)}
          ${row('key size', (r) => (r.result.config.keyBits === 0 ? 'none' : `${r.result.config.keyBits} bits`))}
          ${row('participants', (r) => String(r.result.participants))}
          ${row('final profiles', (r) => String(r.result.final.centroids.length))}
          ${row('final inertia', (r) => (Number.isFinite(r.result.final.inertia) ? r.result.final.inertia.toFixed(3) : 'unavailable (real swarm)'))}
          ${row('inertia / reference', (r) => (Number.isFinite(r.result.final.inertia) ? (r.result.final.inertia / r.result.final.referenceInertia).toFixed(2) : 'unavailable'))}
          ${row('traffic per participant', (r) => formatBytes(r.result.iterations.reduce((s, i) => s + i.bytesPerParticipant, 0)))}
        </tbody>
      </table></div>
      <cs-chart caption="Inertia per iteration" x-label="iteration" y-label="inertia"
        .x=${Array.from({ length: n }, (_, i) => i + 1)}
        .lines=${[{ label: 'A', values: Array.from({ length: n }, (_, i) => at(a, i)) }, { label: 'B', values: Array.from({ length: n }, (_, i) => at(b, i)), dash: [6, 4] }]}></cs-chart>
    </section>`;
  }

  private toggle(id: string): void {
    this.selected = this.selected.includes(id) ? this.selected.filter((s) => s !== id) : [...this.selected, id].slice(-2);
  }

  private async deleteRun(id: string): Promise<void> {
    await this.store?.deleteRun(id);
    this.selected = this.selected.filter((s) => s !== id);
    await this.load();
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-history': CsHistory }
}
