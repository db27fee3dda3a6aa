/**
 * `<cs-round-data>`: which series this tab brings to a round — the data kept in "Your data" when it
 * belongs to the round's use case, or a participant of the bundled dataset. The series stay in the tab.
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { datasetLabel, loadBundled, type BundledName } from '../app/datasets';
import type { OwnData, Store } from '../app/storage';
import type { Dataset } from '../data/index';
import { base } from './styles';

/** The series a tab contributes, with what the views need to show them. */
export interface RoundData {
  label: string;
  unit: string;
  T: number;
  series: number[][];
}

/** Data picker for a round. */
@customElement('cs-round-data')
export class CsRoundData extends LitElement {
  static override styles = base;
  @property({ attribute: false }) store: Store | undefined;
  /** The round's use case. */
  @property({ attribute: 'use-case' }) useCase: BundledName = 'lcl';
  @state() private own: OwnData | undefined;
  @state() private ds: Dataset | undefined;
  @state() private choice = '';
  @state() private error = '';
  private loadedFor = '';

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('useCase') || changed.has('store')) void this.load();
  }

  private async load(): Promise<void> {
    const name = this.useCase;
    if (this.loadedFor === name) return;
    this.loadedFor = name;
    this.error = '';
    this.ds = undefined;
    try {
      const own = await this.store?.loadOwnData().catch(() => undefined);
      const ds = await loadBundled(name, 50);
      if (this.useCase !== name) return;
      this.own = own && own.dataset === ds.name && own.T === ds.T ? own : undefined;
      this.ds = ds;
      this.choice = this.own ? 'own' : `b:${ds.owners[0]?.id ?? ''}`;
    } catch (e) {
      this.error = `The ${datasetLabel(name)} dataset could not be loaded: ${(e as Error).message}`;
    }
  }

  /** The chosen series, or undefined while loading. */
  selection(): RoundData | undefined {
    const ds = this.ds;
    if (!ds) return undefined;
    if (this.choice === 'own' && this.own) return { label: this.own.label, unit: this.own.unit, T: this.own.T, series: this.own.series };
    const owner = ds.owners.find((o) => `b:${o.id}` === this.choice);
    if (!owner) return undefined;
    return { label: `${datasetLabel(ds.name)} · ${owner.id}`, unit: ds.unit, T: ds.T, series: owner.series.map((s) => Array.from(s)) };
  }

  override render() {
    const ds = this.ds;
    return html`<div class="field">
      <label for="data-source">Your data for this round</label>
      ${ds ? html`<select id="data-source" aria-describedby="data-help" @change=${(e: Event) => { this.choice = (e.target as HTMLSelectElement).value; }}>
          ${this.own ? html`<option value="own" ?selected=${this.choice === 'own'}>Your data: ${this.own.label} (${this.own.series.length} series)</option>` : null}
          ${ds.owners.map((o) => html`<option value=${`b:${o.id}`} ?selected=${this.choice === `b:${o.id}`}>Bundled ${datasetLabel(ds.name)} participant ${o.id}</option>`)}
        </select>
        <p class="help" id="data-help">${this.own ? 'Your stored data matches this round.' : html`No stored data of this use case in <a href="#/data">Your data</a>; pick a participant of the bundled dataset.`}
          It never leaves this tab unencrypted.</p>`
        : this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p role="status">Loading ${datasetLabel(this.useCase)}…</p>`}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-round-data': CsRoundData }
}
