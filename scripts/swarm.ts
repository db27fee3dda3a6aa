/**
 * `npm run swarm -- --tabs N [sim options] [--json FILE] [--workers W] [--timeout S]`
 *
 * A real swarm: starts Vite (app + embedded PeerJS signalling) on 127.0.0.1, launches the system
 * Chromium through playwright-core, opens N tabs of swarm.html — tab 0 creates the round, the others
 * open its join link, each with participant i's own series (assignParticipants) — runs the
 * Chiaroscuro round over real WebRTC data channels, then writes the BRIEF §7 JSON with
 * "transport": "webrtc" and prints a summary. `--churn F` closes ⌈F·N⌉ random tabs (never the
 * creator) right after the first iteration's result. Everything is shut down on exit, error or SIGINT.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { seededRng } from '../src/core/rng';
import { assignParticipants, loadDataset } from '../src/data/index';
import { createClippedEvaluator, createEvaluator } from '../src/sim/evaluator';
import { parseRunOptions, RUN_OPTIONS_USAGE } from '../src/sim/options';
import type { IterationReport, RunConfig, RunResult } from '../src/sim/contract';
import type { SwarmNetStats, SwarmPageProgress, SwarmPageState } from '../src/net/swarm-page';
import type { RoundChoice } from '../src/net/session';
import { initialCentroids } from '../src/core/initial-centroids';
import type { Dataset } from '../src/data/types';
import type { PpkmParams } from '../src/protocol/ppkm/params';
import { randomConnectedGraph } from '../src/sim/ppkm/graph';
import { sampleBrowserMemory } from './lib/browser-memory';
import { createCpuMeter } from './lib/machine-cpu';
import { describeStop } from '../src/sim/run';
import { STOP_REASONS, type StopReason } from '../src/core/termination';

const root = fileURLToPath(new URL('..', import.meta.url));

interface SwarmOptions { tabs: number; workers: number; cryptoSlots: number | undefined; foreground: boolean; lobbyLinks: boolean; timeoutS: number; holders: number; cycleMs: number; profileTabs: number; traceCpu: boolean; reload: number; run: RunConfig & { json?: string } }

const USAGE = `usage: npm run swarm -- --tabs N [options]
  --tabs N          browser tabs = participants (2..200; overrides --participants)
  --workers W       crypto workers per tab (default 1)
  --crypto-slots S  crypto chunks running at once across all tabs (Web Locks; default hardwareConcurrency − 1; 0 = ungated)
  --foreground 0|1  run every tab at foreground priority as on its own device (default 1; 0 = Chromium's default)
  --lobby-links 0|1 joiners link to a few members while in the lobby (default 1; 0 = all overlay links dialled at the round's start)
  --holders H       key holders (default min(10, N))
  --cycle-ms MS     gossip cycle period (default 150, 300 above 32 tabs: see defaultCycleMs)
  --timeout S       give up after S seconds (default 900)
  --reload R        reload R random joiner tabs after the first iteration: they rejoin with the same id
  --trace-cpu 1     trace the browser during the round; report the CPU time (not wall time) of main-thread long tasks
                    (the trace → swarm-trace.json; more categories: SWARM_TRACE_EXTRA=v8,disabled-by-default-v8.compile)
  --profile-tabs P  record main-thread CPU profiles of tabs 0..P-1 during the round → swarm-tab<i>.cpuprofile
${RUN_OPTIONS_USAGE}`;

/**
 * The runner's gossip cycle period: 150 ms, and 300 ms (the app's period) above 32 tabs. All the
 * tabs share one machine's cores, and at 50 tabs their cycles fall so far out of phase that 150 ms
 * left 1 round in 2 short of contributions at the key holders; on one device per participant the
 * app's 300 ms has room to spare.
 */
export function defaultCycleMs(tabs: number): number {
  return tabs > 32 ? 300 : 150;
}

/** Splits swarm-only options from the shared run options. */
export function parseSwarmOptions(argv: readonly string[]): SwarmOptions {
  const rest: string[] = [];
  const own: Record<string, number> = { '--tabs': NaN, '--workers': 1, '--crypto-slots': NaN, '--foreground': 1, '--lobby-links': 1, '--timeout': 900, '--holders': NaN, '--cycle-ms': NaN, '--profile-tabs': 0, '--trace-cpu': 0, '--reload': 0 };
  const limits: Record<string, [number, number]> = { '--tabs': [2, 200], '--workers': [1, 8], '--crypto-slots': [0, 64], '--foreground': [0, 1], '--lobby-links': [0, 1], '--timeout': [10, 7200], '--holders': [1, 50], '--cycle-ms': [10, 10_000], '--profile-tabs': [0, 200], '--trace-cpu': [0, 1], '--reload': [0, 199] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (name === '--help' || name === '-h') { console.log(USAGE); process.exit(0); }
    if (name in own) {
      const v = inline ?? argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) throw new Error(`${name}: expected an integer, got '${v ?? ''}'`);
      const [lo, hi] = limits[name]!;
      if (Number(v) < lo || Number(v) > hi) throw new Error(`${name}: must be in [${lo}, ${hi}], got ${v}`);
      own[name] = Number(v);
    } else rest.push(a);
  }
  if (Number.isNaN(own['--tabs'])) throw new Error('--tabs N is required');
  const tabs = own['--tabs']!;
  const run = parseRunOptions([...rest.filter((x, i, arr) => x !== '--participants' && arr[i - 1] !== '--participants' && !x.startsWith('--participants=')), '--participants', String(tabs)]);
  if (run.protocol === 'ppkm' && own['--reload']! > 0) throw new Error('--reload: not supported with --protocol ppkm');
  if (run.protocol === 'ppkm' && run.churn > 0) throw new Error('--churn: not supported with --protocol ppkm (a node waits for every neighbour)');
  if (run.loss > 0) throw new Error('--loss: not simulated in a real swarm (links are reliable); use npm run sim');
  return { tabs, workers: own['--workers']!, cryptoSlots: Number.isNaN(own['--crypto-slots']) ? undefined : own['--crypto-slots']!, foreground: own['--foreground'] === 1, lobbyLinks: own['--lobby-links'] === 1, timeoutS: own['--timeout']!, holders: Number.isNaN(own['--holders']) ? Math.min(10, tabs) : Math.min(own['--holders']!, tabs), cycleMs: Number.isNaN(own['--cycle-ms']) ? defaultCycleMs(tabs) : own['--cycle-ms']!, profileTabs: Math.min(own['--profile-tabs']!, tabs), traceCpu: own['--trace-cpu'] === 1, reload: Math.min(own['--reload']!, tabs - 1), run };
}

/**
 * From a Chromium trace: main-thread tasks (RunTask on CrRendererMain) longer than 50 ms of wall time,
 * with their thread CPU time (`tdur`). Wall ≫ CPU means the tab was starved of a core, not busy.
 */
export function longTaskCpu(trace: Buffer | string): { longTasks: number; maxWallMs: number; cpuOfMaxWallMs: number; maxCpuMs: number } {
  const events = traceEvents(trace).filter((e) => e.name === 'thread_name' || e.name === 'RunTask') as Array<{ name?: string; ph?: string; pid?: number; tid?: number; dur?: number; tdur?: number; args?: { name?: string } }>;
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`) && (e.dur ?? 0) > 50_000);
  const ms = (us: number | undefined): number => Math.round((us ?? 0) / 100) / 10;
  const worst = tasks.reduce<(typeof tasks)[number] | undefined>((w, e) => (!w || (e.dur ?? 0) > (w.dur ?? 0) ? e : w), undefined);
  return { longTasks: tasks.length, maxWallMs: ms(worst?.dur), cpuOfMaxWallMs: ms(worst?.tdur), maxCpuMs: ms(Math.max(0, ...tasks.map((e) => e.tdur ?? 0))) };
}

/**
 * The events of a Chromium JSON trace. Chromium writes one event per line; a long round's trace can
 * exceed the longest string V8 can hold (512 MiB), so a Buffer is parsed line by line and never
 * turned into one string. Other layouts (an array, or everything on one line) are parsed whole.
 */
export function traceEvents(trace: Buffer | string): Array<Record<string, unknown>> {
  const buf = typeof trace === 'string' ? Buffer.from(trace) : trace;
  const whole = (): Array<Record<string, unknown>> => {
    const parsed = JSON.parse(buf.toString()) as { traceEvents?: unknown[] } | unknown[];
    return (Array.isArray(parsed) ? parsed : parsed.traceEvents ?? []) as Array<Record<string, unknown>>;
  };
  const out: Array<Record<string, unknown>> = [];
  let lines = 0;
  for (let start = 0; start < buf.length;) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    lines++;
    let line = buf.toString('utf8', start, end).trim();
    start = end + 1;
    if (line.endsWith(',')) line = line.slice(0, -1);
    if (!line.startsWith('{"') || line.startsWith('{"traceEvents"')) continue;
    // The last event ends the array on its line: `{…}],"metadata":`.
    const close = line.lastIndexOf('}]');
    for (const candidate of close > 0 ? [line, line.slice(0, close + 1)] : [line]) {
      try {
        const e = JSON.parse(candidate) as unknown;
        if (e && typeof e === 'object' && !Array.isArray(e)) out.push(e as Record<string, unknown>);
        break;
      } catch { /* not a one-event line */ }
    }
  }
  return lines > 2 ? out : whole();
}

/**
 * The dropout the round's noise is sized for: the ⌈churn·N⌉ tabs the runner closes, plus the tabs it
 * reloads (a reloaded tab misses the iteration it was in). Without it an iteration that lost a tab
 * could not be released (too few contributors for its noise shares).
 */
export function expectedDropout(tabs: number, churn: number, reloads: number): number {
  return Math.min(tabs - 1, Math.ceil(churn * tabs) + reloads) / tabs;
}

/** Why the round stopped, as every tab saw it: the most frequent reason of the final results (validated). */
export function roundStopReason(finals: ReadonlyArray<{ stopReason?: unknown } | undefined>): { reason: StopReason | undefined; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  for (const r of finals) {
    const reason = r?.stopReason;
    const key = typeof reason === 'string' && (STOP_REASONS as readonly string[]).includes(reason) ? reason : 'unknown';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const best = Object.entries(counts).filter(([k]) => k !== 'unknown').sort((a, b) => b[1] - a[1])[0];
  return { reason: best ? (best[0] as StopReason) : undefined, counts };
}

/** PPkM over the swarm: the graph, the public initial centroids and each tab's parameters (as src/sim/ppkm/run.ts). */
function ppkmSetup(run: RunConfig, dataset: Dataset, series: number[][][], tabs: number) {
  const graph = randomConnectedGraph(tabs, run.neighbors, seededRng(run.seed + 1));
  const initial = initialCentroids({ k: run.k, T: dataset.T, lo: dataset.lo, hi: dataset.hi, rng: seededRng(run.seed) });
  const params: PpkmParams = {
    variant: 'packed', k: run.k, d: dataset.T,
    lo: Array<number>(dataset.T).fill(dataset.lo), hi: Array<number>(dataset.T).fill(dataset.hi),
    fractionBits: 16, maxRecords: Math.max(1, ...series.map((s) => s.length)),
    maxNeighbours: Math.max(...graph.map((a) => a.length)), kappa: 40, lambdaBits: 64,
    keyBits: run.keyBits, epsStop: 1e-4 * (dataset.hi - dataset.lo), maxIterations: run.iterations, initialCentroids: initial,
  };
  const id = (i: number): string => `ppkm-${run.seed}-${i}`;
  return {
    graph, initial,
    tab: (i: number) => ({ self: id(i), neighbours: graph[i]!.map(id), params, round: run.seed, records: series[i]! }),
  };
}

/** PPkM iterations (as the simulator): mean over nodes of their centroids' inertia; bytes per node. */
function ppkmIterations(states: SwarmPageState[], evaluator: { inertia(c: number[][]): number }, k: number, wallSeconds: number): IterationReport[] {
  const maxIter = Math.max(...states.map((s) => s.results.length));
  const out: IterationReport[] = [];
  for (let l = 1; l <= maxIter; l++) {
    let inertiaSum = 0, bytes = 0;
    for (const s of states) {
      const r = s.results[Math.min(l, s.results.length) - 1]!;
      inertiaSum += evaluator.inertia(r.centroids);
      if (l <= s.results.length) bytes += r.bytesSent - (l >= 2 ? s.results[l - 2]!.bytesSent : 0);
    }
    out.push({ index: l, k, epsilon: 0, inertia: inertiaSum / states.length, bytesPerParticipant: Math.round(bytes / states.length), msPerParticipant: (wallSeconds * 1000) / (states.length * maxIter) });
  }
  return out;
}

function bar(frac: number, width = 30): string {
  const f = Math.max(0, Math.min(1, frac));
  return '[' + '#'.repeat(Math.round(f * width)).padEnd(width, '.') + `] ${(f * 100).toFixed(0).padStart(3)}%`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  let opts: SwarmOptions;
  try { opts = parseSwarmOptions(process.argv.slice(2)); } catch (e) { console.error(`swarm: ${e instanceof Error ? e.message : String(e)}\n(try --help)`); return 2; }
  const { run, tabs } = opts;
  const wall0 = performance.now();
  let vite: ViteDevServer | undefined;
  let browser: Browser | undefined;
  let memory: ReturnType<typeof sampleBrowserMemory> | undefined;
  const cleanup = async (): Promise<void> => {
    await browser?.close().catch(() => {});
    await vite?.close().catch(() => {});
  };
  process.once('SIGINT', () => { console.error('\nswarm: interrupted, shutting down'); void cleanup().then(() => process.exit(130)); });
  try {
    // Data: participant i of assignParticipants, exactly as the simulator assigns them.
    const dataset = await loadDataset(run.dataset, {
      readPublicFile: (p) => readFile(`${root}/public/${p}`),
      readFile: (p) => readFile(p, 'utf8'),
      seed: run.seed, patients: tabs, tumor: { seriesPerPatient: run.seriesPerParticipant },
    });
    // The same assignment as the simulator of the protocol (so swarm and sim runs are comparable).
    const assignment = assignParticipants(dataset, tabs, run.seriesPerParticipant, seededRng(run.protocol === 'ppkm' ? run.seed : run.seed ^ 0x5eed));
    if (assignment.note) console.error(`swarm: ${assignment.note}`);
    const series = assignment.participants.map((p) => p.series.map((s) => Array.from(s)));
    // Scored as each protocol's simulator scores it: Chiaroscuro on the series clipped to the round's
    // public range (what the tabs contribute), PPkM on the raw series.
    const allSeries = assignment.participants.flatMap((p) => p.series);
    const evaluator = run.protocol === 'ppkm' ? createEvaluator(allSeries) : createClippedEvaluator(allSeries, dataset.lo, dataset.hi);

    process.stderr.write('swarm: starting vite + signalling… ');
    // Heavy modules load only after the options parsed (invalid options fail fast).
    const { launchChromium, startAppServer, warmBrowserFiles, WEBRTC_PERMISSIONS } = await import('./lib/app-browser');
    const app = await startAppServer();
    vite = app.server;
    const base = app.base;
    console.error(base);

    await warmBrowserFiles();
    browser = await launchChromium({}, { foregroundTabs: opts.foreground });
    memory = sampleBrowserMemory();
    const context: BrowserContext = await browser.newContext({ permissions: WEBRTC_PERMISSIONS });
    const pages: Page[] = [];
    const closed = new Set<number>();
    // Each tab's latest progress and every result it reported, kept here: tabs push them through a
    // binding (src/net/swarm-page.ts `report`) as they happen, polls only fill what a push missed.
    const seen: SwarmPageState['results'][] = [];
    const loadIds: string[] = [];
    const latest: Array<SwarmPageProgress | undefined> = [];
    /** When each tab last pushed or was polled (the backstop polls the stalest). */
    const heardAt: number[] = [];
    /** Takes in a push or a poll of tab i; false if it does not continue what is kept (a gap: read again from 0). */
    const absorb = (i: number, p: SwarmPageProgress | SwarmPageState): boolean => {
      if (loadIds[i] !== p.loadId) { seen[i] = []; loadIds[i] = p.loadId; } // a new page load: its results start over
      const from = p.resultsTotal - p.results.length;
      const kept = seen[i] ?? [];
      if (from > kept.length) return false;
      seen[i] = [...kept.slice(0, from), ...p.results];
      if ('lobbyLinked' in p) latest[i] = { ...p, results: seen[i] };
      return true;
    };
    await context.exposeBinding('swarmReport', ({ page }: { page: Page }, p: SwarmPageProgress) => {
      const i = pages.indexOf(page);
      if (i >= 0 && !closed.has(i) && absorb(i, p)) heardAt[i] = performance.now();
    });
    const url = `${base}/swarm.html?workers=${opts.workers}${opts.cryptoSlots === undefined ? '' : `&slots=${opts.cryptoSlots}`}${opts.lobbyLinks ? '' : '&lobby=0'}`;
    const open = async (): Promise<Page> => {
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error(`\nswarm: tab ${pages.indexOf(page)} error: ${e.message}`));
      await page.goto(url);
      await page.waitForFunction(() => (globalThis as unknown as { swarm?: unknown }).swarm !== undefined, undefined, { timeout: 120_000 });
      return page;
    };
    const round: RoundChoice = {
      k: run.k, T: dataset.T, L: run.seriesPerParticipant, lo: dataset.lo, hi: dataset.hi, iterations: run.iterations,
      epsilon: run.epsilon, strategy: run.strategy, smoothing: run.smoothing, keyBits: run.keyBits,
      population: run.population, dropout: expectedDropout(tabs, run.churn, opts.reload), cycleMs: opts.cycleMs, initSeed: run.seed, holders: opts.holders,
      ...(run.privateInertia ? { inertiaFraction: run.privateInertia } : {}),
    };
    process.stderr.write(`swarm: opening ${tabs} tabs `);
    const ppkm = run.protocol === 'ppkm' ? ppkmSetup(run, dataset, series, tabs) : null;
    if (ppkm) {
      for (let i = 0; i < tabs; i += 4) {
        pages.push(...await Promise.all(Array.from({ length: Math.min(4, tabs - i) }, () => open())));
        process.stderr.write('.');
      }
      // Every tab registers and links its neighbours Γ_i; only then does any node start.
      process.stderr.write(' linking ');
      await Promise.all(pages.map((p, i) => p.evaluate((o) => (globalThis as unknown as { swarm: { ppkm(o: unknown): Promise<string> } }).swarm.ppkm(o), ppkm.tab(i))));
    } else {
      pages.push(await open());
      const link = await pages[0]!.evaluate(([r, d, deg]) => (globalThis as unknown as { swarm: { create(r: unknown, d: number[][], deg: number): Promise<string> } }).swarm.create(r, d, deg), [round, series[0]!, run.neighbors] as const);
      // Tabs load in small batches (2 cores): each then joins through the link.
      for (let i = 1; i < tabs; i += 4) {
        const batch = await Promise.all(Array.from({ length: Math.min(4, tabs - i) }, () => open()));
        await Promise.all(batch.map((p, j) => p.evaluate(([l, d, deg]) => (globalThis as unknown as { swarm: { join(l: string, d: number[][], deg: number): Promise<string> } }).swarm.join(l, d, deg), [link, series[i + j]!, run.neighbors] as const)));
        pages.push(...batch);
        process.stderr.write('.');
      }
    }
    const tLoaded = performance.now();
    console.error(` ${((tLoaded - wall0) / 1000).toFixed(1)} s`);

    // Polls fetch only results not kept yet (cheap for the tab's main thread): `progress` (a few
    // fields) in the lobby and as a backstop while the round runs, the whole `state` at the end.
    type Swarm = { progress(since: number): SwarmPageProgress; state(since: number): SwarmPageState };
    const poll = async <K extends 'progress' | 'state'>(i: number, what: K): Promise<ReturnType<Swarm[K]>> => {
      const get = (since: number) => pages[i]!.evaluate(([n, w]) => (globalThis as unknown as { swarm: Swarm }).swarm[w](n), [since, what] as const) as Promise<ReturnType<Swarm[K]>>;
      let s = await get(loadIds[i] === undefined ? 0 : seen[i]!.length);
      if (!absorb(i, s)) { s = await get(0); absorb(i, s); }
      heardAt[i] = performance.now();
      return { ...s, results: seen[i]! };
    };
    /** Every open tab's whole state (null for a closed tab). */
    const fullStates = (): Promise<Array<SwarmPageState | null>> => Promise.all(pages.map((_, i) => (closed.has(i) ? null : poll(i, 'state'))));
    // As a classroom waits for everyone before starting: the joiners link to a few members while in
    // the lobby (src/net/lobby-links.ts), so the round's start dials almost nothing. At most 20 s.
    const tLobby = performance.now();
    let lobbyLinked = ppkm !== null;
    while (!lobbyLinked && performance.now() - tLobby < 20_000) {
      lobbyLinked = (await Promise.all(pages.map((_, i) => poll(i, 'progress')))).every((p) => p.lobbyLinked);
      if (!lobbyLinked) await sleep(250);
    }
    const lobbySeconds = (performance.now() - tLobby) / 1000;
    if (!ppkm) console.error(`swarm: lobby links ${lobbyLinked ? 'up' : 'still incomplete'} after ${lobbySeconds.toFixed(1)} s`);
    // Optional main-thread CPU profiles (Chrome DevTools format) to find what runs outside the workers.
    const profilers = await Promise.all(pages.slice(0, opts.profileTabs).map(async (p) => {
      const cdp = await context.newCDPSession(p);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
      return cdp;
    }));
    if (opts.traceCpu) await browser.startTracing(undefined, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', ...(process.env['SWARM_TRACE_EXTRA'] ?? '').split(',').filter(Boolean)] });
    await Promise.all(pages.map((_, i) => (latest[i] ? null : poll(i, 'progress')))); // every tab read once before the round
    // While the round runs, the runner's thread (Playwright, and the embedded Vite and PeerJS servers)
    // runs at nice 10: it stands for machines other than the participants' devices, and its work (a
    // tab's push, a backstop poll) must not take a core from the tabs it measures. Linux nice is per
    // thread: this is the calling thread only, and Chromium (launched before) is not affected. Not
    // every thread: with libuv's pool and V8's helpers at nice 10 too, 50-tab rounds (a saturated
    // machine) took 146–160 s instead of 91–121 s, the embedded servers starved (session 7).
    // Afterwards it gets back the priority it was started with.
    const runnerPriority = getPriority();
    const lowerRunner = (on: boolean): void => { try { setPriority(on ? Math.max(runnerPriority, 10) : runnerPriority); } catch { /* not permitted: run as is */ } };
    lowerRunner(true);
    const cpuMeter = createCpuMeter();
    await cpuMeter.sample(performance.now());
    const tStart = performance.now();
    const runnerCpuAtStart = process.cpuUsage();
    if (ppkm) await Promise.all(pages.map((p) => p.evaluate(() => (globalThis as unknown as { swarm: { ppkmStart(): void } }).swarm.ppkmStart())));
    else pages[0]!.evaluate(() => (globalThis as unknown as { swarm: { start(): Promise<void> } }).swarm.start()).catch(() => {});
    const churnCount = Math.ceil(run.churn * tabs);
    const reloaded: Array<{ tab: number; id: string; afterIteration: number; reloadSeconds?: number }> = [];
    const deadline = performance.now() + opts.timeoutS * 1000;
    let states: SwarmPageProgress[] = [];
    // Tabs push their results, phases and errors; each loop also polls the one tab heard from least
    // recently, so a tab is read about every N × LOOP_MS (3 s at 12 tabs) whatever it pushed.
    const LOOP_MS = 250;
    for (;;) {
      await sleep(LOOP_MS);
      const stalest = pages.map((_, i) => i).filter((i) => !closed.has(i)).sort((a, b) => (heardAt[a] ?? 0) - (heardAt[b] ?? 0))[0];
      if (stalest !== undefined) await poll(stalest, 'progress');
      await cpuMeter.sample(performance.now());
      states = pages.map((_, i) => latest[i]!);
      const alive = states.filter((s, i) => s && !closed.has(i));
      const errors = alive.flatMap((s) => s.errors);
      if (errors.length > 0 && alive.some((s) => s.phase === 'refused')) throw new Error(`a tab was refused: ${errors[0]}`);
      if (ppkm && errors.length > 0) throw new Error(`a ppkm node failed: ${errors[0]}`);
      const rejoinError = errors.find((e) => e.startsWith('rejoin:'));
      if (rejoinError) throw new Error(`a reloaded tab could not rejoin: ${rejoinError}`);
      const iter = Math.min(...alive.map((s) => s.results.filter((r) => r.iteration > 0).length));
      const done = alive.filter((s) => s.results.some((r) => r.final)).length;
      process.stderr.write(`\rswarm: ${bar((iter + done / alive.length) / (run.iterations + 1))} iteration ${Math.min(iter + 1, run.iterations)}/${run.iterations}, finished ${done}/${alive.length} tabs, peers/tab ${(alive.reduce((a, s) => a + s.peers, 0) / alive.length).toFixed(1)}   `);
      if (churnCount > 0 && closed.size === 0 && states[0]!.results.some((r) => r.iteration === 1)) {
        const rng = seededRng(run.seed ^ 0xc1);
        const victims = new Set<number>();
        while (victims.size < Math.min(churnCount, tabs - 2)) victims.add(1 + (rng.nextUint32() % (tabs - 1)));
        for (const v of victims) { closed.add(v); await pages[v]!.close(); }
        console.error(`\nswarm: closed ${victims.size} tabs mid-round (${[...victims].join(', ')})`);
      }
      if (opts.reload > 0 && reloaded.length === 0 && states[0]!.results.some((r) => r.iteration === 1)) {
        const rng = seededRng(run.seed ^ 0x7e1);
        const picks = new Set<number>();
        while (picks.size < opts.reload) { const v = 1 + (rng.nextUint32() % (tabs - 1)); if (!closed.has(v)) picks.add(v); }
        for (const v of picks) {
          const before = states[v]!;
          reloaded.push({ tab: v, id: before.self, afterIteration: Math.max(0, ...before.results.map((r) => r.iteration)) });
          const t0 = performance.now();
          await pages[v]!.reload();
          await pages[v]!.waitForFunction(() => (globalThis as unknown as { swarm?: unknown }).swarm !== undefined, undefined, { timeout: 60_000 });
          reloaded[reloaded.length - 1]!.reloadSeconds = (performance.now() - t0) / 1000;
        }
        console.error(`\nswarm: reloaded tabs ${[...picks].join(', ')} after iteration ${reloaded[0]!.afterIteration}`);
        continue;
      }
      if (done === alive.length) break;
      if (performance.now() > deadline) {
        // What each tab was doing when the round stalled: enough to tell a lost decryption from a stuck link.
        const stalled = (await fullStates()).filter((s): s is SwarmPageState => s !== null).map((s) => ({ self: s.self, phase: s.phase, iteration: s.iteration, results: s.results.map((r) => r.iteration), peers: s.peers, contributed: s.contributed, dropped: s.dropped, protocol: s.protocol ?? null, net: s.net ?? null, errors: s.errors }));
        await writeFile('swarm-timeout.json', JSON.stringify(stalled, null, 1));
        throw new Error(`timed out after ${opts.timeoutS} s (${done}/${alive.length} tabs finished; errors: ${errors.slice(0, 3).join('; ') || 'none'}; per-tab state → swarm-timeout.json)`);
      }
    }
    console.error('');
    for (const [i, cdp] of profilers.entries()) {
      if (closed.has(i)) continue;
      const { profile } = await cdp.send('Profiler.stop');
      await writeFile(`swarm-tab${i}.cpuprofile`, JSON.stringify(profile));
    }
    if (profilers.length) console.error(`swarm: CPU profiles of tabs 0..${profilers.length - 1} → swarm-tab<i>.cpuprofile`);
    const wallSeconds = (performance.now() - tStart) / 1000;
    const machineCpu = await cpuMeter.finish();
    // The runner's own CPU (all its threads: Playwright, Vite, PeerJS, the meters) as a share of the
    // machine during the round: what the measurement itself took from the tabs.
    const runnerUsage = process.cpuUsage(runnerCpuAtStart);
    const runnerCpuShare = (runnerUsage.user + runnerUsage.system) / 1000 / (wallSeconds * 1000 * availableParallelism());
    lowerRunner(false);
    await memory.readNow(); // after the round's clock stopped: a PSS read takes ~100 ms
    let cpu: ReturnType<typeof longTaskCpu> | null = null;
    if (opts.traceCpu) {
      const trace = await browser.stopTracing();
      await writeFile('swarm-trace.json', trace);
      console.error('swarm: browser trace of the round → swarm-trace.json (chrome://tracing, Perfetto)');
      cpu = longTaskCpu(trace);
    }
    const finalStates = await fullStates();
    const aliveStates = finalStates.filter((s): s is SwarmPageState => s !== null);
    const ref = aliveStates[0]!;
    // Chiaroscuro: every tab must hold the same public result. PPkM: each node has its own centroids
    // (equal across a complete graph); the JSON reports whether they agree.
    const finalOf = (s: SwarmPageState): string => JSON.stringify(s.results.find((r) => r.final)?.centroids);
    const disagree = aliveStates.filter((s) => finalOf(s) !== finalOf(ref)).length;
    if (disagree > 0 && !ppkm) throw new Error(`${disagree} tabs ended with different centroids`);
    const initial = ppkm ? ppkm.initial : ref.results.find((r) => r.iteration === 0)?.centroids;
    const iterations: IterationReport[] = ppkm ? ppkmIterations(aliveStates, evaluator, run.k, wallSeconds) : [];
    // Released iterations: a final `too-few-contributors` result ends the round on the previous one.
    const releasedOf = (st: SwarmPageState): SwarmPageState['results'] => st.results.filter((r) => r.iteration > 0 && r.stopReason !== 'too-few-contributors');
    const perIter = releasedOf(ref);
    let prevBytes = aliveStates.map(() => 0), prevMs = aliveStates.map(() => 0);
    for (const r of ppkm ? [] : perIter) {
      const at = aliveStates.map((s) => s.results.find((x) => x.iteration === r.iteration));
      const bytes = at.map((x, i) => (x ? x.bytesSent - prevBytes[i]! : 0));
      const ms = at.map((x, i) => (x ? x.cryptoMs - prevMs[i]! : 0));
      prevBytes = at.map((x, i) => x?.bytesSent ?? prevBytes[i]!);
      prevMs = at.map((x, i) => x?.cryptoMs ?? prevMs[i]!);
      const prevEps = iterations.length ? perIter[iterations.length - 1]!.epsilonSpent : 0;
      iterations.push({
        index: r.iteration, k: r.centroids.length, epsilon: r.epsilonSpent - prevEps, inertia: evaluator.inertia(r.centroids),
        bytesPerParticipant: Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length),
        msPerParticipant: ms.reduce((a, b) => a + b, 0) / ms.length,
      });
    }
    // The private estimate of iteration ℓ's inertia arrives with ℓ + 1 (as in npm run sim).
    for (const it of iterations) {
      const estimate = perIter.find((r) => r.iteration === it.index + 1)?.priorInertia;
      if (estimate !== undefined) it.privateInertia = estimate;
    }
    const last = ref.results.find((r) => r.final) ?? ref.results[ref.results.length - 1]!;
    const stop = roundStopReason(aliveStates.map((st) => st.results.find((r) => r.final)));
    const result: RunResult & { swarm: Record<string, unknown> } = {
      protocol: run.protocol, transport: 'webrtc', config: { ...run, participants: tabs } as RunConfig, participants: tabs,
      iterations,
      final: {
        centroids: last.centroids,
        inertia: ppkm ? aliveStates.reduce((a, st) => a + evaluator.inertia(st.results[st.results.length - 1]!.centroids), 0) / aliveStates.length : evaluator.inertia(last.centroids),
        referenceInertia: initial ? evaluator.reference(initial).inertia : NaN,
        epsilonSpent: last.epsilonSpent, iterations: Math.max(...aliveStates.map((st) => releasedOf(st).at(-1)?.iteration ?? 0)), wallSeconds,
        ...(stop.reason ? { stopReason: stop.reason } : {}),
      },
      swarm: {
        reloaded: reloaded.map((r) => ({ ...r, sameId: finalStates[r.tab]!.self === r.id, rejoined: finalStates[r.tab]!.rejoined, contributed: finalStates[r.tab]!.contributed, finalIteration: Math.max(0, ...finalStates[r.tab]!.results.filter((x) => x.final).map((x) => x.iteration)) })),
        tabs, expectedDropout: round.dropout ?? 0, cycleMs: opts.cycleMs, cryptoSlots: ref.cryptoSlots, foregroundTabs: opts.foreground, lobbyLinks: opts.lobbyLinks,
        cryptoWaitMsPerTab: aliveStates.map((s) => Math.round(s.cryptoWaitMs)), cryptoHoldsPerTab: aliveStates.map((s) => s.cryptoHolds), closedTabs: closed.size, stopReasons: stop.counts, centroidsAgree: disagree === 0, ...(ppkm ? { graphDegrees: ppkm.graph.map((a) => a.length) } : {}), finishedTabs: aliveStates.length, loadSeconds: (tLoaded - wall0) / 1000, lobbySeconds,
        longTaskMaxMs: Math.max(...aliveStates.map((s) => s.longTaskMaxMs)),
        longTaskMaxMsWithStartup: Math.max(...aliveStates.map((s) => s.longTaskMaxMsAll)),
        longTasksDuringRound: aliveStates.reduce((a, s) => a + s.longTasks, 0),
        longTaskMaxMsPerTab: aliveStates.map((s) => Math.round(s.longTaskMaxMs)),
        longTaskWorst: [...aliveStates].sort((a, b) => b.longTaskMaxMs - a.longTaskMaxMs)[0]?.longTaskLog.slice(0, 8) ?? [],
        netPerTab: aliveStates.map((s) => s.net ?? null),
        protocolPerTab: aliveStates.map((s) => s.protocol ?? null),
        // The callbacks behind the longest script runs during the round, over all tabs.
        longScriptsWorst: aliveStates.flatMap((s, tab) => s.scriptLog.filter((f) => f.phase === 'round').map((f) => ({ tab, ...f })))
          .sort((a, b) => b.duration - a.duration).slice(0, 12),
        bytesSentPerTab: Math.round(aliveStates.reduce((a, s) => a + s.bytesSent, 0) / aliveStates.length),
        peersPerTab: aliveStates.reduce((a, s) => a + s.peers, 0) / aliveStates.length,
        maxHeapBytesPerTab: Math.max(...aliveStates.map((s) => s.heapBytes)),
        dropped: aliveStates.reduce<Record<string, number>>((acc, s) => { for (const [k, v] of Object.entries(s.dropped)) acc[k] = (acc[k] ?? 0) + v; return acc; }, {}),
        rssBytesRunner: process.memoryUsage().rss,
        /** Peak whole-browser memory: Σ PSS of every Chromium process, read whenever the resident total grew 2 % and at the round's end (0 = not measured). */
        browserPeakPssBytes: memory?.peak() ?? 0,
        /** Shares of the machine's CPU time during the round: busy, stolen by the hypervisor, and the most stolen over 1 s (null: not Linux). */
        machineCpu: machineCpu ? { ...machineCpu, runner: runnerCpuShare } : null,
        ...(cpu ? { traced: cpu } : {}),
        note: assignment.note ?? null,
      },
    };
    if (run.json) await writeFile(run.json, JSON.stringify(result, null, 2) + '\n');
    console.log(`${run.protocol} over WebRTC: ${tabs} tabs (${closed.size} closed mid-round), ${run.dataset}, k=${run.k}, key ${run.keyBits} bits`);
    console.log(' iter   k   epsilon     inertia   bytes/part   crypto ms/part');
    for (const it of iterations) console.log(`${String(it.index).padStart(5)} ${String(it.k).padStart(3)} ${it.epsilon.toFixed(4).padStart(9)} ${it.inertia.toPrecision(6).padStart(11)} ${String(it.bytesPerParticipant).padStart(12)} ${it.msPerParticipant.toFixed(0).padStart(16)}`);
    console.log(`final inertia ${result.final.inertia.toPrecision(6)} (reference ${result.final.referenceInertia.toPrecision(6)}), ε spent ${result.final.epsilonSpent.toFixed(4)}, round ${wallSeconds.toFixed(1)} s, tabs loaded in ${((tLoaded - wall0) / 1000).toFixed(1)} s`);
    console.log(stop.reason
      ? `stop: ${stop.reason}: ${describeStop(stop.reason, result.final.iterations)}${Object.keys(stop.counts).length > 1 ? ` (tabs: ${JSON.stringify(stop.counts)})` : ''}`
      : `stop: unknown (no tab reported a reason: ${JSON.stringify(stop.counts)})`);
    const nets = aliveStates.flatMap((st) => (st.net ? [st.net] : []));
    const slowest = nets.reduce<SwarmNetStats | undefined>((w, n) => (!w || n.slowestCallMs > w.slowestCallMs ? n : w), undefined);
    if (slowest) console.log(`WebRTC calls (paced, one per task): ${nets.reduce((a, n) => a + n.webrtcCalls, 0)} over all tabs, the slowest ${slowest.slowestCallMs} ms (${slowest.slowestCall})`);
    console.log(`max main-thread long task during the round ${result.swarm['longTaskMaxMs'] as number} ms (${result.swarm['longTasksDuringRound'] as number} long tasks over all tabs; ${result.swarm['longTaskMaxMsWithStartup'] as number} ms with page start-up), ${(result.swarm['peersPerTab'] as number).toFixed(1)} links/tab, ${((result.swarm['bytesSentPerTab'] as number) / 1024).toFixed(0)} KiB sent/tab, browser peak ${((result.swarm['browserPeakPssBytes'] as number) / 2 ** 20).toFixed(0)} MiB (Σ PSS)${machineCpu ? `, cores ${(machineCpu.busy * 100).toFixed(0)} % busy and ${(machineCpu.steal * 100).toFixed(1)} % stolen by the host (${(machineCpu.peakSteal * 100).toFixed(0)} % in the worst second; the runner ${(runnerCpuShare * 100).toFixed(1)} %)` : ''}${run.json ? `, JSON → ${run.json}` : ''}`);
    if (cpu) console.log(`traced: ${cpu.longTasks} main-thread tasks > 50 ms wall; the longest ${cpu.maxWallMs} ms wall used ${cpu.cpuOfMaxWallMs} ms CPU; max CPU of any task ${cpu.maxCpuMs} ms`);
    return 0;
  } catch (e) {
    console.error(`\nswarm: failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    memory?.stop();
    await cleanup();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  void main().then((code) => process.exit(code));
}
