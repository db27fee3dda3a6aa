/** Shared pieces of the browser round tests: two groups of toy series and the final-result wait. */
import type { RoundSession, SessionEvent } from '../../../src/net/session';

/** Participant i's one series: even ids near 1, odd ids near 5 (two well-separated groups). */
export const series = (i: number): Float64Array[] => [Float64Array.from({ length: 4 }, (_, t) => (i % 2 === 0 ? 1 : 5) + 0.1 * t)];

/** Resolves with the session's final centroids; rejects on its first error event. */
export function finished(s: RoundSession): Promise<number[][]> {
  return new Promise((resolve, reject) => {
    s.onEvent((e: SessionEvent) => {
      if (e.type === 'result' && e.final) resolve(e.centroids);
      if (e.type === 'error') reject(new Error(e.error));
    });
  });
}
