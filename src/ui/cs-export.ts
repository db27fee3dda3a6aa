/**
 * `<cs-export>`: downloads the public profiles as CSV or JSON (contents from pure functions).
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { profilesToCsv, profilesToJson, type ExportMeta } from './logic/export';
import { base } from './styles';

/** Export buttons for the final profiles. */
@customElement('cs-export')
export class CsExport extends LitElement {
  static override styles = base;
  @property({ attribute: false }) profiles: number[][] = [];
  @property({ attribute: false }) meta: ExportMeta | undefined;
  @property() basename = 'chiaroscuro-profiles';

  override render() {
    return html`<section class="card" aria-labelledby="ex-h">
      <h3 id="ex-h">Export the profiles</h3>
      <p class="muted">The ${this.profiles.length} final profiles are public outputs of the round.</p>
      <div class="row">
        <button @click=${() => this.download('csv')} ?disabled=${this.profiles.length === 0}>Download CSV</button>
        <button @click=${() => this.download('json')} ?disabled=${this.profiles.length === 0 || !this.meta}>Download JSON</button>
      </div>
    </section>`;
  }

  /** The file contents for a format (also used by tests). */
  content(format: 'csv' | 'json'): string {
    return format === 'csv' ? profilesToCsv(this.profiles) : profilesToJson(this.profiles, this.meta!);
  }

  private download(format: 'csv' | 'json'): void {
    const blob = new Blob([this.content(format)], { type: format === 'csv' ? 'text/csv' : 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${this.basename}.${format}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-export': CsExport }
}
