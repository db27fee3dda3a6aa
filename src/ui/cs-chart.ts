/**
 * `<cs-chart>`: a line chart on uPlot. The plot is created once and fed with `setData` on updates;
 * it is rebuilt only when the set of lines changes. A caption and an aria-label summary describe it
 * for screen readers.
 * @module
 */
import { LitElement, html, css, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { base, colour } from './styles';

/** One line of a chart. */
export interface ChartLine {
  label: string;
  values: ArrayLike<number>;
  colour?: string;
  dash?: number[];
  width?: number;
}

/** A uPlot line chart over a shared x axis. */
@customElement('cs-chart')
export class CsChart extends LitElement {
  static override styles = [base, unsafeCSS(uplotCss), css`
    figure { margin: 0; }
    figcaption { font-weight: 600; margin-bottom: 0.25rem; }
    .plot { width: 100%; min-height: 60px; }
  `];

  /** Shared x values. */
  @property({ attribute: false }) x: ArrayLike<number> = [];
  /** Lines to draw. */
  @property({ attribute: false }) lines: ChartLine[] = [];
  @property() caption = '';
  @property({ attribute: 'x-label' }) xLabel = '';
  @property({ attribute: 'y-label' }) yLabel = '';
  @property({ type: Number }) height = 220;
  /** Integer x values (iterations, time steps): ticks only at whole numbers. */
  @property({ type: Boolean, attribute: 'integer-x' }) integerX = true;

  @query('.plot') private plotEl!: HTMLDivElement;
  private plot: uPlot | undefined;
  private signature = '';
  private resize = new ResizeObserver(() => this.fit());

  /** The underlying uPlot (for tests and advanced callers). */
  get uplot(): uPlot | undefined {
    return this.plot;
  }

  override render() {
    const summary = `${this.caption}: ${this.lines.map((l) => l.label).join(', ')}`;
    return html`<figure role="img" aria-label=${summary}>
      ${this.caption ? html`<figcaption>${this.caption}</figcaption>` : null}
      <div class="plot"></div>
    </figure>`;
  }

  override firstUpdated(): void {
    this.resize.observe(this.plotEl);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
    this.signature = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) { this.resize.observe(this.plotEl); this.requestUpdate(); }
  }

  protected override updated(_changed: PropertyValues): void {
    const data = [Float64Array.from(this.x), ...this.lines.map((l) => Float64Array.from(l.values, (v) => (Number.isFinite(v) ? v : Number.NaN)))] as unknown as uPlot.AlignedData;
    const sig = JSON.stringify([this.lines.map((l) => [l.label, l.colour, l.dash, l.width]), this.xLabel, this.yLabel, this.height, this.integerX]);
    if (!this.plot || sig !== this.signature) {
      this.plot?.destroy();
      this.signature = sig;
      this.plot = new uPlot({
        width: this.width(),
        height: this.height,
        legend: { show: this.lines.length <= 8 },
        scales: { x: { time: false } },
        axes: [{ label: this.xLabel, ...(this.integerX ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] } : {}) }, { label: this.yLabel, size: 55 }],
        series: [{ label: this.xLabel || 'x' }, ...this.lines.map((l, i) => ({
          label: l.label, stroke: l.colour ?? colour(i), width: l.width ?? 2, ...(l.dash ? { dash: l.dash } : {}), points: { show: false },
        }))],
      }, data, this.plotEl);
    } else {
      this.plot.setData(data);
    }
  }

  private width(): number {
    return Math.max(200, Math.floor(this.plotEl?.clientWidth || 320));
  }

  private fit(): void {
    if (this.plot && Math.abs(this.plot.width - this.width()) > 2) this.plot.setSize({ width: this.width(), height: this.height });
  }
}

declare global {
  interface HTMLElementTagNameMap { 'cs-chart': CsChart }
}
