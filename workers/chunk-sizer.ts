/**
 * Time-based chunk sizes for the crypto pool: learns each operation's cost per element from the
 * chunks it ran, and sizes later chunks so that each lasts about a target time. Short chunks keep
 * the wait for a device crypto slot (./admission.ts) bounded: a call waits at most for the chunks
 * queued before it, each ≈ the target, instead of behind another tab's whole vector.
 * @module
 */

/** Default duration one chunk should last, ms. */
export const TARGET_CHUNK_MS = 20;

/** Learns per-element costs and turns them into chunk sizes. */
export interface ChunkSizer {
  /** Target duration of one chunk, ms. */
  readonly targetMs: number;
  /** Estimated milliseconds per element of operation `op` (a cost key), or undefined while unknown. */
  msPerItem(op: string): number | undefined;
  /**
   * Least milliseconds per element seen for `op` (undefined while unknown): the best proxy for its CPU
   * cost, since samples taken while the device was busy only measure longer.
   */
  minMsPerItem(op: string): number | undefined;
  /** Most elements per chunk of `op` for the target duration (≥ 1); Infinity when free or unknown. */
  limit(op: string): number;
  /** Records that a chunk of `items` elements of `op` took `ms`. Ignores empty or invalid samples. */
  record(op: string, items: number, ms: number): void;
}

/** Weight of a new sample in the moving average: adapts within a few chunks, smooths outliers. */
const ALPHA = 0.3;

/** Most cost keys remembered (oldest dropped first). */
const MAX_KEYS = 256;

/** Creates a {@link ChunkSizer} aiming at `targetMs` per chunk. */
export function createChunkSizer(targetMs = TARGET_CHUNK_MS): ChunkSizer {
  if (typeof targetMs !== 'number' || !Number.isFinite(targetMs) || targetMs <= 0) {
    throw new RangeError(`createChunkSizer: targetMs must be a finite number > 0, got ${String(targetMs)}`);
  }
  const cost = new Map<string, number>();
  const least = new Map<string, number>();
  return {
    targetMs,
    msPerItem: (op) => cost.get(op),
    minMsPerItem: (op) => least.get(op),
    limit(op) {
      const per = cost.get(op);
      if (per === undefined || per <= 0) return Infinity;
      return Math.max(1, Math.floor(targetMs / per));
    },
    record(op, items, ms) {
      if (!Number.isInteger(items) || items < 1 || typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return;
      const sample = ms / items;
      const old = cost.get(op);
      cost.delete(op);
      cost.set(op, old === undefined ? sample : old + ALPHA * (sample - old));
      least.set(op, Math.min(least.get(op) ?? Infinity, sample));
      if (cost.size > MAX_KEYS) {
        const oldest = cost.keys().next().value as string;
        cost.delete(oldest);
        least.delete(oldest);
      }
    },
  };
}
