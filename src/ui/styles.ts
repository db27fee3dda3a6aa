/**
 * Shared look: tokens with WCAG AA contrast on white, visible focus rings, cards, form rows, and a
 * colour-blind-safe palette (Okabe–Ito) for chart lines.
 * @module
 */
import { css } from 'lit';

/** Okabe–Ito colours, distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#7f6d00'] as const;

/** Colour of line `i`. */
export function colour(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

/** Base styles every element adopts. */
export const base = css`
  :host { display: block; color: #1a1a1a; font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }
  h2 { font-size: 1.25rem; margin: 0 0 0.5rem; }
  h3 { font-size: 1.05rem; margin: 0 0 0.4rem; }
  p { margin: 0.3rem 0 0.6rem; }
  .card { background: #fff; border: 1px solid #c9ced6; border-radius: 8px; padding: 0.9rem 1rem; margin: 0 0 1rem; }
  .grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr)); }
  .muted { color: #4a5160; }
  .warn { background: #fff4d6; border: 1px solid #a66d00; color: #4d3300; border-radius: 6px; padding: 0.5rem 0.75rem; }
  .error { background: #fde8e8; border: 1px solid #b3261e; color: #7a1410; border-radius: 6px; padding: 0.5rem 0.75rem; }
  .ok { color: #0b6b2f; }
  .promise { background: #e7f4ec; border: 1px solid #0b6b2f; color: #0b3d1d; border-radius: 6px; padding: 0.5rem 0.75rem; }
  button, .button { font: inherit; background: #0b57d0; color: #fff; border: 0; border-radius: 6px; padding: 0.45rem 0.9rem; cursor: pointer; min-height: 2.25rem; text-decoration: none; display: inline-block; }
  button.secondary { background: #fff; color: #0b57d0; border: 1px solid #0b57d0; }
  button:disabled { background: #8a94a6; cursor: not-allowed; }
  :focus-visible { outline: 3px solid #e69f00; outline-offset: 2px; }
  label { font-weight: 600; display: block; margin-bottom: 0.15rem; }
  input, select { font: inherit; padding: 0.35rem 0.45rem; border: 1px solid #6b7280; border-radius: 5px; max-width: 100%; box-sizing: border-box; }
  .field { margin: 0 0 0.8rem; }
  .help { font-size: 0.88rem; color: #4a5160; margin: 0.2rem 0 0; }
  .field-error { color: #b3261e; font-size: 0.9rem; margin: 0.2rem 0 0; }
  dl.stats { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.8rem; margin: 0; }
  dl.stats dt { color: #4a5160; }
  dl.stats dd { margin: 0; font-variant-numeric: tabular-nums; }
  progress { width: 100%; height: 1rem; }
  .row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** Formats bytes as B / kB / MB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/** Formats milliseconds as ms or s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 2 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
