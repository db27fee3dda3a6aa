/**
 * `<cs-bobs-window>`: "What can Bob do with the result?" (seed demo). A grey window over Bob's own
 * series selects a sub-sequence; the profiles closest to it on that window are listed and drawn,
 * redrawn while the window moves. Pointer: drag the window, drag its right edge to resize, click
 * elsewhere to centre it there. Keyboard (the window is a focusable slider): arrows move, Shift+arrows
 * resize, PageUp/PageDown, Home/End.
 * @module
 */
import { LitElement, html, svg, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { clampWindow, matchWindow, windowAfterKey, type SeriesWindow } from './logic/window-match';
import { base, colour } from './styles';

const W = 640, H = 260, PAD_L = 44, PAD_R = 12, PAD_T = 12, PAD_B = 28;

/** Bob's window over his own series. */
@customElement('cs-bobs-window')
export class CsBobsWindow extends LitElement {
  static override styles = [base, css`
    svg { width: 100%; height: auto; touch-action: none; user-select: none; display: block; }
    .win { fill: rgba(80, 80, 80, 0.18); stroke: #333; stroke-width: 1; cursor: grab; }
    .win:focus-visible { outline: none; stroke: #e69f00; stroke-width: 3; }
    .handle { fill: #333; cursor: ew-resize; }
    ol { margin: 0.3rem 0 0; padding-left: 1.3rem; }
  `];

  @property({ attribute: false }) series: number[] = [];
  @property({ attribute: false }) profiles: number[][] = [];
  @property() label = 'Bob';
  @property() unit = '';
  /** How many closest profiles to show. */
  @property({ type: Number }) top = 3;
  /** The current window (half-open index range). */
  @state() window: SeriesWindow = { start: 0, end: 0 };

  private drag: { mode: 'move' | 'resize'; t0: number; w0: SeriesWindow } | undefined;

  override willUpdate(): void {
    const T = this.series.length;
    if (T > 0 && (this.window.end === 0 || this.window.end > T)) {
      this.window = clampWindow({ start: Math.floor(T / 4), end: Math.floor(T / 4) + Math.max(2, Math.floor(T / 3)) }, T);
    }
  }

  /** The current matches (best first). */
  get windowMatches() {
    if (this.series.length === 0 || this.profiles.length === 0) return [];
    return matchWindow(this.series, this.profiles, this.window, Math.min(this.top, this.profiles.length));
  }

  override render() {
    const T = this.series.length;
    if (T === 0) return html`<section class="card"><h3>Bob's window</h3><p class="muted">No series to explore yet.</p></section>`;
    const all = [this.series, ...this.profiles];
    let lo = Infinity, hi = -Infinity;
    for (const s of all) for (const v of s) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (hi === lo) { hi += 1; lo -= 1; }
    const x = (t: number) => PAD_L + (t * (W - PAD_L - PAD_R)) / Math.max(1, T - 1);
    const y = (v: number) => PAD_T + ((hi - v) * (H - PAD_T - PAD_B)) / (hi - lo);
    const path = (s: readonly number[]) => s.map((v, t) => `${t === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join('');
    const { start, end } = this.window;
    const matches = this.windowMatches;
    const wx0 = x(start) - 4, wx1 = x(end - 1) + 4;
    return html`<section class="card" aria-labelledby="bw-h">
      <h3 id="bw-h">Bob's window: profiles closest to part of ${this.label}</h3>
      <p class="muted">Drag the grey window (or focus it and use the arrow keys; Shift+arrows resize) to pick the part of the series to match.</p>
      <svg viewBox="0 0 ${W} ${H}" @pointerdown=${this.onDown} @pointermove=${this.onMove} @pointerup=${this.onUp} @pointercancel=${this.onUp}
        aria-label=${`${this.label}'s series with the matching profiles`}>
        <line x1=${PAD_L} y1=${H - PAD_B} x2=${W - PAD_R} y2=${H - PAD_B} stroke="#6b7280" />
        <text x="4" y=${PAD_T + 10} font-size="11" fill="#4a5160">${hi.toFixed(1)}</text>
        <text x="4" y=${H - PAD_B} font-size="11" fill="#4a5160">${lo.toFixed(1)}</text>
        <text x=${PAD_L} y=${H - 8} font-size="11" fill="#4a5160">1</text>
        <text x=${W - PAD_R - 14} y=${H - 8} font-size="11" fill="#4a5160">${T}</text>
        ${matches.map((m, i) => svg`<path class="match" d=${path(this.profiles[m.index]!)} fill="none" stroke=${colour(i + 1)} stroke-width="2" stroke-dasharray="6 4" />`)}
        <path class="own" d=${path(this.series)} fill="none" stroke="#000" stroke-width="2.5" />
        <rect class="win" tabindex="0" role="slider" x=${wx0} y=${PAD_T} width=${wx1 - wx0} height=${H - PAD_T - PAD_B}
          aria-label="Matching window" aria-valuemin="1" aria-valuemax=${T} aria-valuenow=${start + 1}
          aria-valuetext=${`time steps ${start + 1} to ${end}`} data-part="move" @keydown=${this.onKey} />
        <rect class="handle" x=${wx1 - 3} y=${PAD_T + (H - PAD_T - PAD_B) / 2 - 14} width="6" height="28" data-part="resize" />
      </svg>
      <p class="window" aria-live="polite">Window: time steps ${start + 1}–${end} of ${T}.</p>
      <ol class="matches">
        ${matches.map((m, i) => html`<li style=${`color:${colour(i + 1)}`}><span style="color:#1a1a1a">profile ${m.index + 1} — distance ${Math.sqrt(m.distance2).toFixed(2)} ${this.unit}</span></li>`)}
      </ol>
    </section>`;
  }

  /** Series index under a client x coordinate. */
  private indexAt(clientX: number): number {
    const svgEl = this.renderRoot.querySelector('svg')!;
    const r = svgEl.getBoundingClientRect();
    const vx = ((clientX - r.left) / Math.max(1, r.width)) * W;
    return ((vx - PAD_L) * Math.max(1, this.series.length - 1)) / (W - PAD_L - PAD_R);
  }

  private onDown(e: PointerEvent): void {
    const part = (e.target as Element).getAttribute('data-part');
    const t = this.indexAt(e.clientX);
    if (part === 'move' || part === 'resize') {
      this.drag = { mode: part, t0: t, w0: this.window };
    } else {
      const width = this.window.end - this.window.start;
      this.window = clampWindow({ start: Math.round(t - width / 2), end: Math.round(t - width / 2) + width }, this.series.length);
      this.drag = { mode: 'move', t0: t, w0: this.window };
    }
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    this.renderRoot.querySelector<SVGRectElement>('.win')?.focus();
    e.preventDefault();
  }

  private onMove(e: PointerEvent): void {
    if (!this.drag) return;
    const d = Math.round(this.indexAt(e.clientX) - this.drag.t0);
    const { start, end } = this.drag.w0;
    this.window = clampWindow(this.drag.mode === 'move' ? { start: start + d, end: end + d } : { start, end: end + d }, this.series.length);
    this.emit();
  }

  private onUp(): void {
    if (this.drag) this.emit();
    this.drag = undefined;
  }

  private onKey(e: KeyboardEvent): void {
    const next = windowAfterKey(this.window, e.key, e.shiftKey, this.series.length);
    if (!next) return;
    e.preventDefault();
    this.window = next;
    this.emit();
  }

  private emit(): void {
    this.dispatchEvent(new CustomEvent('window-change', { detail: { ...this.window }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-bobs-window': CsBobsWindow }
}
