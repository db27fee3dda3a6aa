/**
 * `<cs-run-view>`: replays a stored run (by id) in the results views, with the viewer's own data.
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { Store } from '../app/storage';
import type { OpTimes } from './logic/cost-model';
import { base } from './styles';
import './cs-results';

/** A stored run, replayed. */
@customElement('cs-run-view')
export class CsRunView extends LitElement {
  static override styles = base;
  @property({ attribute: false }) store: Store | undefined;
  @property() runId = '';
  @property({ attribute: false }) measure: ((bits: number) => Promise<OpTimes>) | undefined;

  private task = new Task(this, {
    task: async ([store, id]) => {
      if (!store) throw new Error('storage is not available');
      const [run, own] = await Promise.all([store.getRun(id), store.loadOwnData().catch(() => undefined)]);
      if (!run) throw new Error(`No stored run with id ${id}`);
      const mine = own && own.T === run.T ? { label: `your data (${own.label})`, series: own.series[0]! } : undefined;
      return { run, mine };
    },
    args: () => [this.store, this.runId] as const,
  });

  override render() {
    return this.task.render({
      pending: () => html`<p role="status">Loading the run…</p>`,
      complete: ({ run, mine }) => html`<p><a href="#/history">← History</a></p>
        <cs-results .run=${run} .own=${mine} .measure=${this.measure}></cs-results>`,
      error: (e) => html`<p class="error" role="alert">${(e as Error).message}</p>`,
    });
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-run-view': CsRunView }
}
