/**
 * Whole-browser memory of a headless Chromium on Linux: the sum of the proportional set size (PSS:
 * shared pages split between the processes sharing them) of every Chromium process. Sampled
 * periodically by the swarm runner; its peak is the "peak memory" of a round. Returns 0 where /proc
 * is unavailable (not Linux), so callers report "not measured" instead of failing.
 * @module
 */
import { readdir, readFile } from 'node:fs/promises';

/** Sum of PSS bytes over processes whose command name looks like Chromium's. */
export async function chromiumPssBytes(): Promise<number> {
  let pids: string[];
  try { pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p)); } catch { return 0; }
  let total = 0;
  await Promise.all(pids.map(async (pid) => {
    try {
      const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
      if (!/^(chromium|chrome|headless_shell)/.test(comm)) return;
      const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = /^Pss:\s+(\d+) kB/m.exec(rollup);
      if (kb) total += Number(kb[1]) * 1024;
    } catch { /* the process ended meanwhile, or is not ours to read */ }
  }));
  return total;
}

/** Samples {@link chromiumPssBytes} every `ms` until stopped; `peak()` is the largest sum seen. */
export function sampleBrowserMemory(ms = 2000): { peak(): number; stop(): void } {
  let peak = 0;
  let busy = false;
  const tick = (): void => {
    if (busy) return;
    busy = true;
    void chromiumPssBytes().then((b) => { peak = Math.max(peak, b); busy = false; });
  };
  tick();
  const timer = setInterval(tick, ms);
  timer.unref();
  return { peak: () => peak, stop: () => clearInterval(timer) };
}
