/**
 * `<cs-lobby>`: lobby and progress of a round — members and key holders, phase per iteration,
 * progress bar, ε spent vs budget, peers connected, bytes sent/received, crypto time, and every error.
 * @module
 */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RoundStatus } from '../app/round';
import { base, formatBytes, formatMs } from './styles';

/** Plain words for the session's phases. */
const PHASE_TEXT: Record<string, string> = {
  connecting: 'connecting to the round creator',
  lobby: 'in the lobby, waiting for the round to start',
  dealing: 'dealing the threshold key',
  linking: 'linking to gossip neighbours',
  running: 'running',
  done: 'done',
  refused: 'refused',
};

/**
 * Why a round ended, in plain words, for the reasons a participant should know about: the profiles
 * shown are then not (or not all) this round's result.
 */
export const STOP_TEXT: Record<string, string> = {
  'too-few-contributors': 'The round stopped early: too few participants were left to protect everyone with the noise it was set up for, so the last iteration was not published. The profiles shown are the last ones published.',
  'all-centroids-ejected': 'The round stopped: the noise was larger than every group of series, so no profile could be kept. Try a larger ε or population, or more participants.',
};

/** What the current iteration is doing, from what has been released so far. */
function iterationStep(s: RoundStatus): string {
  if (s.released >= s.iteration) return s.phase === 'done' ? 'profiles released' : `profiles of iteration ${s.released} released`;
  return s.params?.protocol === 'ppkm' ? 'aggregating encrypted sums with the neighbours' : 'encrypting, gossiping and decrypting the noisy sums';
}

/** Round lobby / progress panel. */
@customElement('cs-lobby')
export class CsLobby extends LitElement {
  static override styles = base;
  @property({ attribute: false }) status: RoundStatus | undefined;

  override render() {
    const s = this.status;
    if (!s) return html``;
    const holders = s.members.filter((m) => m.keyHolder).length;
    const title = s.phase === 'lobby' || s.phase === 'connecting' ? 'Lobby' : s.phase === 'done' ? 'Round finished' : s.phase === 'refused' ? 'Not admitted' : 'Round in progress';
    return html`<section class="card" aria-labelledby="lo-h" data-testid="lobby" data-phase=${s.phase}>
      <h3 id="lo-h">${title}</h3>
      <div role="status" aria-live="polite">
        <progress max="1" .value=${s.progress} aria-label="Round progress"></progress>
        <p>Phase: <strong>${PHASE_TEXT[s.phase] ?? s.phase}</strong>${s.iteration > 0 ? html` · iteration ${s.iteration} of ${s.iterations}: ${iterationStep(s)}` : null}</p>
        ${s.phase === 'refused' && s.detail ? html`<p class="error" role="alert">${s.detail}</p>` : null}
        ${s.phase === 'done' && s.stopReason && STOP_TEXT[s.stopReason] ? html`<p class="warn" data-testid="stop-reason">${STOP_TEXT[s.stopReason]}</p>` : null}
      </div>
      <dl class="stats">
        <dt>Members</dt><dd>${s.members.length} (${holders} key holder${holders === 1 ? '' : 's'})</dd>
        ${s.params?.protocol === 'ppkm'
          ? html`<dt>Protocol</dt><dd>PPkM: exact centroids, no differential privacy</dd>`
          : html`<dt>ε spent</dt><dd>${s.epsilonSpent.toFixed(3)} of ${s.epsilonBudget}</dd>`}
        <dt>Peers connected</dt><dd>${s.peers}</dd>
        <dt>Sent / received</dt><dd>${formatBytes(s.bytesSent)} / ${formatBytes(s.bytesReceived)}</dd>
        <dt>Crypto time</dt><dd>${formatMs(s.cryptoMs)}</dd>
      </dl>
      ${s.members.length > 0 ? html`<ul class="members">${s.members.map((m) => html`<li>${m.label ?? m.id}${m.keyHolder ? ' · key holder' : ''}</li>`)}</ul>` : null}
      ${s.errors.map((e) => html`<p class="error" role="alert">${e}</p>`)}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-lobby': CsLobby }
}
