/**
 * `<cs-selftest>`: the start page's crypto self-test panel. It renders in the LIGHT DOM so that the
 * e2e contract holds for any query method: the host carries `data-testid="crypto-selftest"`, its
 * `data-status` goes `running` → `ok` | `error`, and its text contains the decrypted sum.
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { CryptoSelfTestResult } from '../../workers/selftest';

/** Runs the worker self-test; replaceable for tests. */
export type SelfTestRunner = () => Promise<CryptoSelfTestResult>;

/** The crypto self-test panel. */
@customElement('cs-selftest')
export class CsSelftest extends LitElement {
  /** How to run the self-test (the app passes the worker pool's). */
  @property({ attribute: false }) runner: SelfTestRunner | undefined;

  private task = new Task(this, {
    task: async ([runner]) => {
      if (!runner) throw new Error('no self-test runner configured');
      const r = await runner();
      if (!r.ok) throw new Error(r.error ?? `decrypted ${String(r.decrypted)} but expected ${String(r.sum)}`);
      return r;
    },
    args: () => [this.runner] as const,
  });

  protected override createRenderRoot(): HTMLElement {
    return this; // light DOM: see module doc
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Drop the static placeholder text of index.html before Lit renders into the light DOM.
    if (!this.hasUpdated) this.replaceChildren();
    this.dataset['testid'] = 'crypto-selftest';
    this.setAttribute('role', 'status');
    this.setAttribute('aria-live', 'polite');
  }

  override render() {
    return this.task.render({
      initial: () => this.status('running', undefined, html`Crypto self-test: waiting…`),
      pending: () => this.status('running', undefined, html`Crypto self-test: encrypting in the worker pool…`),
      complete: (r) => this.status('ok', r.sum, html`<span aria-hidden="true">✔</span> Crypto self-test passed:
        ${r.values.map(String).join(' + ')} encrypted (${r.bits}-bit Paillier, in Web Workers), added while encrypted,
        decrypted sum = <strong>${String(r.decrypted)}</strong> (${Math.round(r.ms)} ms).`),
      error: (e) => this.status('error', undefined, html`<span aria-hidden="true">✖</span> Crypto self-test failed: ${e instanceof Error ? e.message : String(e)}`),
    });
  }

  private status(s: 'running' | 'ok' | 'error', sum: bigint | undefined, body: unknown) {
    if (this.dataset['status'] !== s) this.dataset['status'] = s;
    // data-sum: the expected sum computed in the clear, so a test can find it in the decrypted text.
    if (sum !== undefined) this.dataset['sum'] = String(sum);
    else delete this.dataset['sum'];
    return html`<p class="selftest selftest-${s}">${body}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-selftest': CsSelftest }
}
