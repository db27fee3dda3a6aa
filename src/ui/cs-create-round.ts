/**
 * `<cs-create-round>`: create a round (use case, protocol, k, ε with its population, budget strategy,
 * smoothing, key size, iterations — validated, with plain-language help), share the join link and a
 * QR code, then follow the lobby. Opening a join link lands here too (`joinFragment`).
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import QRCode from 'qrcode';
import { DEFAULT_ROUND_FORM, EPSILON_HELP, KEY_HELP, validateRoundForm, type RoundFormValues } from './logic/round-form';
import { applyEvent, initialStatus, loadSessionApi, type RoundSession, type RoundStatus } from '../app/round';
import { secureRng } from '../core/rng';
import { base } from './styles';
import './cs-lobby';

/** Create / join a round. */
@customElement('cs-create-round')
export class CsCreateRound extends LitElement {
  static override styles = base;
  /** A join link's fragment (round id + secret); when set, the element joins instead of creating. */
  @property() joinFragment = '';
  @state() values: RoundFormValues = { ...DEFAULT_ROUND_FORM };
  @state() errors: Partial<Record<keyof RoundFormValues, string>> = {};
  @state() private link = '';
  @state() private qr = '';
  @state() private status: RoundStatus | undefined;
  @state() private failure = '';
  private session: RoundSession | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.joinFragment) void this.join();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.session?.leave();
  }

  override render() {
    if (this.joinFragment) {
      return html`<section class="card"><h2>Joining a round</h2>
        ${this.failure ? html`<p class="error" role="alert">${this.failure}</p>` : html`<p role="status">Connecting…</p>`}</section>
        <cs-lobby .status=${this.status}></cs-lobby>`;
    }
    const v = this.values;
    const field = (key: keyof RoundFormValues, label: string, input: unknown, help?: string) => html`<div class="field">
      <label for=${key}>${label}</label>${input}
      ${help ? html`<p class="help" id=${`${key}-help`}>${help}</p>` : null}
      ${this.errors[key] ? html`<p class="field-error" id=${`${key}-err`} role="alert">${this.errors[key]}</p>` : null}</div>`;
    const describedBy = (key: keyof RoundFormValues, help = false) => [help ? `${key}-help` : '', this.errors[key] ? `${key}-err` : ''].filter(Boolean).join(' ');
    const text = (key: keyof RoundFormValues, mode = 'numeric', help = false) => html`<input id=${key} inputmode=${mode} .value=${v[key]}
      aria-invalid=${this.errors[key] ? 'true' : 'false'} aria-describedby=${describedBy(key, help)} @input=${(e: Event) => this.set(key, (e.target as HTMLInputElement).value)} />`;
    const select = (key: keyof RoundFormValues, options: Array<[string, string]>, help = false) => html`<select id=${key} aria-describedby=${describedBy(key, help)}
      @change=${(e: Event) => this.set(key, (e.target as HTMLSelectElement).value)}>
      ${options.map(([val, lab]) => html`<option value=${val} ?selected=${v[key] === val}>${lab}</option>`)}</select>`;
    return html`<section class="card" aria-labelledby="cr-h">
      <h2 id="cr-h">Create a round</h2>
      <form novalidate @submit=${this.submit}>
        <div class="grid">
          ${field('useCase', 'Use case', select('useCase', [['lcl', 'Electricity (daily load curves)'], ['tumor', 'Tumour growth'], ['csv', 'Own CSV (each participant imports a file)']]))}
          ${field('protocol', 'Protocol', select('protocol', [['chiaroscuro', 'Chiaroscuro (encryption + differential privacy)'], ['ppkm', 'PPkM (exact, no noise)']]))}
          ${field('k', 'Number of profiles k', text('k'))}
          ${field('iterations', 'Iterations', text('iterations'))}
          ${field('epsilon', 'Privacy budget ε', text('epsilon', 'decimal', true), EPSILON_HELP)}
          ${field('population', 'Population the noise is calibrated for', text('population', 'numeric', true), 'How many people you expect in the whole population (at least the number of tabs).')}
          ${field('strategy', 'Budget strategy', select('strategy', [['uniform', 'Uniform: the same ε each iteration'], ['geometric', 'Geometric: ε/2, ε/4, … (more for early iterations)']]))}
          ${field('smoothing', 'Smoothing window', text('smoothing', 'numeric', true), '1 = off; a moving average over this many time steps reduces visible noise.')}
          ${field('keyBits', 'Key size', select('keyBits', [['512', '512 bits (tests only)'], ['1024', '1024 bits (demo)'], ['2048', '2048 bits (recommended)']], true), KEY_HELP)}
          ${field('seriesPerParticipant', 'Series per participant (L)', text('seriesPerParticipant', 'numeric', true), 'Each tab contributes at most this many series (bounds what one person can change).')}
        </div>
        <button type="submit">Create round and get the join link</button>
      </form>
      ${this.failure ? html`<p class="error" role="alert">${this.failure}</p>` : null}
    </section>
    ${this.link ? html`<section class="card" aria-labelledby="jl-h">
      <h3 id="jl-h">Join link</h3>
      <p>Share this link (it contains the round's secret after the #, which never reaches a server):</p>
      <p><input readonly style="width:100%" aria-label="Join link" .value=${this.link} /></p>
      <div class="row"><button class="secondary" @click=${() => navigator.clipboard?.writeText(this.link)}>Copy link</button>
        <button @click=${() => this.session?.start()}>Start the round</button></div>
      ${this.qr ? html`<img src=${this.qr} width="220" height="220" alt="QR code of the join link" />` : null}
    </section>` : null}
    <cs-lobby .status=${this.status}></cs-lobby>`;
  }

  private set(key: keyof RoundFormValues, value: string): void {
    this.values = { ...this.values, [key]: value };
    if (this.errors[key]) {
      const r = validateRoundForm(this.values, 1);
      this.errors = r.ok ? {} : r.errors;
    }
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    this.failure = '';
    const r = validateRoundForm(this.values, secureRng().nextUint32() >>> 1);
    if (!r.ok) {
      this.errors = r.errors;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.errors = {};
    try {
      const api = await loadSessionApi();
      const session = await api.createRound(r.config);
      this.attach(session, r.config.iterations, r.config.epsilon);
      this.link = session.link ?? '';
      if (this.link) this.qr = await QRCode.toDataURL(this.link, { margin: 1, width: 220 });
    } catch (err) {
      this.failure = `Could not create the round: ${(err as Error).message}`;
    }
  }

  private async join(): Promise<void> {
    try {
      const api = await loadSessionApi();
      const session = await api.joinRound(location.href);
      this.attach(session, 0, 0);
    } catch (err) {
      this.failure = `Could not join the round: ${(err as Error).message}`;
    }
  }

  private attach(session: RoundSession, iterations: number, epsilon: number): void {
    this.session = session;
    this.status = initialStatus({ iterations, epsilon });
    session.onEvent((ev) => { this.status = applyEvent(this.status!, ev); });
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-create-round': CsCreateRound }
}
