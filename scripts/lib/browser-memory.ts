/**
 * Whole-browser memory of a headless Chromium on Linux: the sum of the proportional set size (PSS:
 * shared pages split between the processes sharing them) of every Chromium process. Sampled
 * periodically by the swarm runner; its peak is the "peak memory" of a round. Returns 0 where /proc
 * is unavailable (not Linux), so callers report "not measured" instead of failing.
 * @module
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/**
 * Whether each process seen is Chromium's, by pid. A process's name is read once: the sampler runs
 * every second during a round, and reading every process's name each time (hundreds of files) was
 * most of its cost. A pid gone from /proc is forgotten, so a reused pid is read again.
 */
const isChromiumPid = new Map<string, boolean>();

/** Pids of the processes whose command name looks like Chromium's. */
async function chromiumPids(): Promise<string[]> {
  let pids: string[];
  try { pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p)); } catch { return []; }
  const present = new Set(pids);
  for (const pid of isChromiumPid.keys()) if (!present.has(pid)) isChromiumPid.delete(pid);
  await Promise.all(pids.filter((pid) => !isChromiumPid.has(pid)).map(async (pid) => {
    try { isChromiumPid.set(pid, /^(chromium|chrome|headless_shell)/.test((await readFile(`/proc/${pid}/comm`, 'utf8')).trim())); } catch { /* ended meanwhile */ }
  }));
  return pids.filter((pid) => isChromiumPid.get(pid) === true);
}

/**
 * Sum of PSS bytes over the Chromium processes. Costly: the kernel walks every page table (≈ 80 ms
 * of CPU, most of it in the kernel, for 12 tabs), so the files are read by a `cat` at nice 19: that
 * CPU time is charged to it, and the tabs being measured get the cores first.
 */
export async function chromiumPssBytes(): Promise<number> {
  const pids = await chromiumPids();
  if (pids.length === 0) return 0;
  // A process that ended meanwhile makes cat exit non-zero; the others' rollups are still printed.
  const text = await new Promise<string>((resolve) => {
    execFile('nice', ['-n', '19', 'cat', ...pids.map((p) => `/proc/${p}/smaps_rollup`)], { maxBuffer: 1 << 24 }, (_e, stdout) => resolve(String(stdout ?? '')));
  });
  let kb = 0;
  for (const m of text.matchAll(/^Pss:\s+(\d+) kB/gm)) kb += Number(m[1]);
  return kb * 1024;
}

/** Sum of resident bytes over the Chromium processes (shared pages counted in each): cheap, from statm. */
export async function chromiumRssBytes(): Promise<number> {
  // A process that ended meanwhile counts 0.
  const each = await Promise.all((await chromiumPids()).map((pid) => readFile(`/proc/${pid}/statm`, 'utf8').then((s) => Number(s.split(' ')[1] ?? 0) * 4096, () => 0)));
  return each.reduce((a, b) => a + b, 0);
}

/**
 * Tracks the peak of {@link chromiumPssBytes} while it runs: every `ms` it reads the cheap resident
 * total, and reads PSS only when that total is `growth` above what it was at the last PSS read
 * (and at the first tick). A PSS read every 2 s cost the round 4 % of a core, in the middle of the
 * tabs it measures; memory grows in steps, so the peak is caught with a few reads.
 */
export function sampleBrowserMemory(ms = 1000, growth = 0.02): { peak(): number; readNow(): Promise<void>; stop(): void } {
  let peak = 0;
  let rssAtLastPss = 0;
  let busy = false;
  const tick = (): void => {
    if (busy) return;
    busy = true;
    void (async () => {
      const rss = await chromiumRssBytes();
      if (rss > rssAtLastPss * (1 + growth)) {
        rssAtLastPss = rss;
        peak = Math.max(peak, await chromiumPssBytes());
      }
    })().finally(() => { busy = false; });
  };
  tick();
  const timer = setInterval(tick, ms);
  timer.unref();
  return {
    peak: () => peak,
    /** Reads PSS now, whatever the resident total did (e.g. once the round is over). */
    readNow: async () => { peak = Math.max(peak, await chromiumPssBytes()); },
    stop: () => clearInterval(timer),
  };
}
