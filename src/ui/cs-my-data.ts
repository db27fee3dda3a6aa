/**
 * `<cs-my-data>`: bring your own data — pick a participant of a bundled dataset or drop a CSV (BRIEF §6
 * format). Shows a preview chart, precise errors (line and column) for bad files, and keeps the data
 * in IndexedDB so a reload loses nothing. It never leaves the tab unencrypted.
 * @module
 */
import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { CsvError, parseSeriesCsv } from '../data/index';
import { datasetLabel, loadBundled, USE_CASES, type BundledName } from '../app/datasets';
import type { OwnData, Store } from '../app/storage';
import { base } from './styles';
import './cs-chart';

/** Largest CSV accepted from the file picker (bytes). */
export const MAX_CSV_BYTES = 8 * 1024 * 1024;

/** Own data import and preview. */
@customElement('cs-my-data')
export class CsMyData extends LitElement {
  static override styles = [base, css`
    .drop { border: 2px dashed #6b7280; border-radius: 8px; padding: 1rem; text-align: center; }
    .drop.over { border-color: #0b57d0; background: #eef3fd; }
  `];
  @property({ attribute: false }) store: Store | undefined;
  @state() data: OwnData | undefined;
  @state() error = '';
  @state() busy = '';
  @state() private over = false;
  @state() private bundled: BundledName = 'lcl';
  @state() private owners: string[] = [];

  /** Counts the person's changes (import, pick, clear): a store read that started before one is stale. */
  private edits = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.restore();
  }

  private async restore(): Promise<void> {
    if (!this.store) return;
    const edits = this.edits;
    try {
      const stored = await this.store.loadOwnData();
      // Data imported, picked or cleared while the store was read is newer than what it returned.
      if (this.edits !== edits) return;
      this.data = stored;
      this.announce();
    } catch (e) {
      if (this.edits === edits) this.error = `Your stored data could not be read: ${(e as Error).message}`;
    }
  }

  override render() {
    const d = this.data;
    return html`<section class="card" aria-labelledby="md-h">
      <h2 id="md-h">Your data</h2>
      <p class="promise"><strong>Your series never leave this tab unencrypted.</strong> They are kept in this browser's
        storage (IndexedDB) only; in a round your tab encrypts its contribution before anything is sent.</p>
      <div class="grid">
        <div>
          <h3>Pick a participant of a bundled dataset</h3>
          <div class="field"><label for="ds">Dataset</label>
            <select id="ds" @change=${(e: Event) => { this.bundled = (e.target as HTMLSelectElement).value as BundledName; this.owners = []; }}>
              ${USE_CASES.map((u) => html`<option value=${u.name} ?selected=${u.name === this.bundled}>${u.label}</option>`)}
            </select></div>
          ${this.owners.length === 0
            ? html`<button class="secondary" @click=${this.listOwners} ?disabled=${this.busy !== ''}>List participants</button>`
            : html`<div class="field"><label for="owner">Participant</label>
                <select id="owner">${this.owners.map((o) => html`<option value=${o}>${o}</option>`)}</select></div>
                <button @click=${this.pickOwner} ?disabled=${this.busy !== ''}>Use this participant</button>`}
        </div>
        <div>
          <h3>Or import a CSV file</h3>
          <div class="drop ${this.over ? 'over' : ''}" @dragover=${(e: DragEvent) => { e.preventDefault(); this.over = true; }}
            @dragleave=${() => { this.over = false; }} @drop=${this.onDrop}>
            <p>Drop a CSV here, or</p>
            <label for="file" class="sr-only">CSV file</label>
            <input id="file" type="file" accept=".csv,text/csv" @change=${this.onFile} />
            <p class="help">One series per row, optional header, optional first column <code>participant</code>, then numbers.</p>
          </div>
        </div>
      </div>
      ${this.busy ? html`<p role="status">${this.busy}</p>` : null}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
    </section>
    ${d ? html`<section class="card" aria-labelledby="pv-h">
      <h3 id="pv-h">Preview: ${d.label}</h3>
      <p class="summary">${d.series.length} series of ${d.T} values (${d.unit}) · saved ${new Date(d.savedAt).toLocaleString()}</p>
      <cs-chart caption="Your series (first 10)" x-label="time step" y-label=${d.unit}
        .x=${Array.from({ length: d.T }, (_, t) => t + 1)}
        .lines=${d.series.slice(0, 10).map((s, i) => ({ label: `series ${i + 1}`, values: s }))}></cs-chart>
      <button class="secondary" @click=${this.clear}>Forget my data</button>
    </section>` : null}`;
  }

  private async listOwners(): Promise<void> {
    this.error = '';
    this.busy = `Loading ${datasetLabel(this.bundled)}…`;
    try {
      const ds = await loadBundled(this.bundled, 50);
      this.owners = ds.owners.map((o) => o.id);
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.busy = '';
    }
  }

  private async pickOwner(): Promise<void> {
    const id = this.renderRoot.querySelector<HTMLSelectElement>('#owner')?.value;
    const ds = await loadBundled(this.bundled, 50);
    const owner = ds.owners.find((o) => o.id === id);
    if (!owner) { this.error = `Participant ${id ?? ''} not found`; return; }
    await this.save({
      source: 'bundled', label: `${datasetLabel(ds.name)} · ${owner.id}`, dataset: ds.name, unit: ds.unit, T: ds.T,
      series: owner.series.slice(0, 365).map((s) => Array.from(s)), savedAt: Date.now(),
    });
  }

  private onDrop(e: DragEvent): void {
    e.preventDefault();
    this.over = false;
    const f = e.dataTransfer?.files[0];
    if (f) void this.importFile(f);
  }

  private onFile(e: Event): void {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) void this.importFile(f);
  }

  /** Parses and stores a CSV file; errors name the line and column. */
  async importFile(file: File): Promise<void> {
    this.error = '';
    if (file.size > MAX_CSV_BYTES) {
      this.error = `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${MAX_CSV_BYTES / 1048576} MB.`;
      return;
    }
    try {
      const ds = parseSeriesCsv(await file.text(), { name: file.name });
      const series = ds.owners.flatMap((o) => o.series.map((s) => Array.from(s)));
      await this.save({ source: 'csv', label: file.name, dataset: file.name, unit: ds.unit, T: ds.T, series, savedAt: Date.now() });
    } catch (e) {
      this.error = e instanceof CsvError
        ? `${file.name}: line ${e.line}, column ${e.column}: ${e.message.replace(/^line \d+, column \d+: /, '')}`
        : `${file.name}: ${(e as Error).message}`;
    }
  }

  private async save(d: OwnData): Promise<void> {
    this.edits++;
    this.data = d;
    try {
      await this.store?.saveOwnData(d);
    } catch (e) {
      this.error = `Could not store your data in this browser: ${(e as Error).message}`;
    }
    this.announce();
  }

  private async clear(): Promise<void> {
    this.edits++;
    this.data = undefined;
    await this.store?.clearOwnData();
    this.announce();
  }

  private announce(): void {
    this.dispatchEvent(new CustomEvent('own-data', { detail: this.data, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-my-data': CsMyData }
}
