/**
 * `<cs-app>`: the app shell — header navigation, hash routing between the start page, "create a
 * round", "your data", lab mode, history and a run's results.
 * @module
 */
import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { parseRoute, type Route } from '../app/router';
import type { Store } from '../app/storage';
import type { LabCrypto } from '../app/lab/engine';
import type { OpTimes } from './logic/cost-model';
import type { OwnData } from '../app/storage';
import type { RoundApi } from '../app/round';
import { base } from './styles';
import type { PpkmCrypto } from '../protocol/ppkm/crypto';
import './cs-lab';
import './cs-my-data';
import './cs-create-round';
import './cs-history';
import './cs-run-view';

/** What the shell needs from the app wiring (injected by main.ts, faked in tests). */
export interface AppServices {
  /** Undefined when IndexedDB is unavailable (private mode): nothing is kept, and the page says so. */
  store: Store | undefined;
  labCrypto: (bits: number) => LabCrypto;
  /** PPkM lab encryption in the worker pool (optional: Paillier in the page's thread otherwise). */
  ppkmCrypto?: (bits: number) => PpkmCrypto;
  measure: (bits: number) => Promise<OpTimes>;
  /** Real rounds (src/net sessions); undefined where the swarm is not available. */
  rounds?: RoundApi;
}

/** The application shell. */
@customElement('cs-app')
export class CsApp extends LitElement {
  static override styles = [base, css`
    :host { max-width: 1100px; margin: 0 auto; padding: 0 0.75rem 2rem; }
    header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem 1.25rem; padding: 0.75rem 0; border-bottom: 1px solid #c9ced6; margin-bottom: 1rem; }
    header h1 { font-size: 1.35rem; margin: 0; }
    nav { display: flex; flex-wrap: wrap; gap: 0.25rem 0.9rem; }
    nav a { color: #0b57d0; text-decoration: none; padding: 0.2rem 0; }
    nav a[aria-current='page'] { font-weight: 700; border-bottom: 3px solid #0b57d0; }
    .hero p { max-width: 65ch; }
  `];

  @property({ attribute: false }) services: AppServices | undefined;
  @state() private route: Route = parseRoute(location.hash);
  @state() private own: OwnData | undefined;
  private onHash = (): void => { this.route = parseRoute(location.hash); };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
  }

  override render() {
    const r = this.route;
    const link = (href: string, label: string, views: string[]) =>
      html`<a href=${href} aria-current=${views.includes(r.view) ? 'page' : 'false'}>${label}</a>`;
    return html`<header>
        <h1>Chiaroscuro</h1>
        <nav aria-label="Main">
          ${link('#/', 'Start', ['start', 'join'])}
          ${link('#/create', 'Create a round', ['create'])}
          ${link('#/data', 'Your data', ['data'])}
          ${link('#/lab', 'Lab mode', ['lab'])}
          ${link('#/history', 'History', ['history', 'run'])}
        </nav>
      </header>
      <main>${this.services ? this.view(r) : html`<p role="status">Starting…</p>`}</main>`;
  }

  private view(r: Route) {
    const s = this.services;
    switch (r.view) {
      case 'start': return this.start();
      case 'create': return html`<cs-create-round .api=${s?.rounds} .store=${s?.store} .measure=${s?.measure}></cs-create-round>`;
      case 'join': return html`<cs-create-round .joinFragment=${r.fragment} .api=${s?.rounds} .store=${s?.store} .measure=${s?.measure}></cs-create-round>`;
      case 'data': return html`<cs-my-data .store=${s?.store} @own-data=${(e: CustomEvent<OwnData | undefined>) => { this.own = e.detail; }}></cs-my-data>`;
      case 'lab': return html`<cs-lab .store=${s?.store} .crypto=${s?.labCrypto} .ppkmCrypto=${s?.ppkmCrypto} .measure=${s?.measure} ?autorun=${'autorun' in r}></cs-lab>`;
      case 'history': return html`<cs-history .store=${s?.store}></cs-history>`;
      case 'run': return html`<cs-run-view .store=${s?.store} .runId=${r.id} .measure=${s?.measure}></cs-run-view>`;
    }
  }

  private start() {
    return html`<section class="card hero">
        <h2>Find common profiles without sharing your data</h2>
        <p>Chiaroscuro clusters personal time series — a household's daily electricity use, a patient's tumour size —
          across a swarm of browser tabs. Your series never leave this tab unencrypted: tabs add up encrypted numbers
          (Paillier homomorphic encryption in Web Workers), add calibrated noise (differential privacy), and only the
          noisy, aggregated profiles are ever decrypted.</p>
        <div class="row">
          <a class="button" href="#/lab/try">Try lab mode</a>
          <a class="button secondary" style="background:#fff;color:#0b57d0;border:1px solid #0b57d0" href="#/create">Create a round</a>
          <a class="button secondary" style="background:#fff;color:#0b57d0;border:1px solid #0b57d0" href="#/data">Your data</a>
        </div>
        <p class="muted">Lab mode runs 200 virtual households with 1024-bit encryption in this tab and shows every view.
          The crypto self-test below the page checks that this device can encrypt, add and decrypt.</p>
      </section>
      ${this.own ? html`<p class="promise">Your data (${this.own.label}) is stored only in this browser.</p>` : null}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-app': CsApp }
}
