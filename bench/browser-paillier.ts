/**
 * In-browser Paillier benchmark: starts a Vite dev server on 127.0.0.1, opens the
 * system Chromium headless (test/browser-env.ts), creates a one-worker crypto pool in the page and
 * times the BRIEF §7 operations inside that Web Worker. Rows use backends `bigint-worker` (standard
 * rⁿ randomness) and `bigint-djn-worker` (DJN short exponent); only the encryption ops differ between
 * the two, so the DJN backend reports just `encrypt` and `encryptOnline`.
 *
 * Called by `npm run bench -- --browser` (bench/run.ts), or alone:
 * `npx tsx bench/browser-paillier.ts [--quick] [--bits 1024,2048]` prints the rows as JSON.
 * @module
 */
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium, startAppServer } from '../scripts/lib/app-browser';
import type { BenchOp, BenchParams, BenchRow, WorkerVariant } from '../workers/crypto-api';

/** One row of the `paillier` section (BRIEF §7). */
export interface PaillierRow {
  backend: string;
  bits: number;
  op: string;
  msPerOp: number;
}

/** Options of {@link runBrowserPaillierBench}. */
export interface BrowserBenchOptions {
  /** Few repetitions (medians of 3, one key generation): for CI and smoke runs. */
  quick: boolean;
  /** Key sizes, each one of 512, 1024, 2048, 3072 (256 too, for tests). */
  bits: number[];
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

const ALL_OPS: readonly BenchOp[] = [
  'keygen', 'thresholdKeygen', 'encrypt', 'encryptOnline', 'decrypt', 'add', 'mulConst', 'partialDecrypt', 'combine',
];
const PLANS: ReadonlyArray<{ variant: WorkerVariant; ops: readonly BenchOp[] }> = [
  { variant: 'standard', ops: ALL_OPS },
  { variant: 'djn', ops: ['encrypt', 'encryptOnline'] },
];
const ALLOWED_BITS = [256, 512, 1024, 2048, 3072];
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };


/** Runs the Paillier operations in a Chromium Web Worker and returns one row per (backend, bits, op). */
export async function runBrowserPaillierBench(opts: BrowserBenchOptions): Promise<PaillierRow[]> {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('runBrowserPaillierBench: options must be an object');
  if (!Array.isArray(opts.bits) || opts.bits.length === 0) {
    throw new RangeError('runBrowserPaillierBench: bits must be a non-empty array');
  }
  for (const b of opts.bits) {
    if (!ALLOWED_BITS.includes(b)) {
      throw new RangeError(`runBrowserPaillierBench: unsupported key size ${String(b)}, expected one of ${ALLOWED_BITS.join(', ')}`);
    }
  }
  const log = opts.log ?? (() => {});
  const reps = opts.quick ? 3 : 11;
  const keygenReps = opts.quick ? 1 : 3;

  // A minimal inline config rather than vite.config.ts: the bench needs the worker bundling only, and the
  // app config's plugins (embedded PeerJS signalling) keep timers that stop the process from exiting.
  const app = await startAppServer({
    configFile: false,
    worker: { format: 'es' },
    optimizeDeps: { include: ['comlink'] },
    // Cross-origin isolation gives workers a 5 µs clock instead of 100 µs.
    server: { headers: ISOLATION_HEADERS },
  });
  let browser: Browser | undefined;
  try {
    const base = app.base;
    browser = await launchChromium();
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // A crashed page or a browser killed from outside would otherwise leave page.evaluate waiting forever.
    let fail: (reason: Error) => void = () => {};
    const broken = new Promise<never>((_, reject) => { fail = reject; });
    broken.catch(() => {});
    page.on('crash', () => fail(new Error('the page crashed (out of memory?)')));
    browser.on('disconnected', () => fail(new Error('the browser disconnected (killed from outside?)')));
    const guarded = <T>(p: Promise<T>): Promise<T> => Promise.race([p, broken]);
    // A blank page on the server's origin, so the page can import the pool module through Vite.
    await page.route(`${base}/__browser_bench__`, (route) =>
      route.fulfill({ contentType: 'text/html', headers: ISOLATION_HEADERS, body: '<!doctype html><meta charset="utf-8"><title>Paillier bench</title>' }),
    );
    await page.goto(`${base}/__browser_bench__`);
    await page.evaluate(async () => {
      const url = '/workers/pool.ts'; // served and transformed by Vite
      const mod = (await import(/* @vite-ignore */ url)) as typeof import('../workers/pool');
      (globalThis as unknown as { benchPool: unknown }).benchPool = mod.createCryptoPool({ size: 1 });
    });
    const env = await page.evaluate(() => `${navigator.userAgent}, crossOriginIsolated=${String(globalThis.crossOriginIsolated)}`);
    log(`browser bench: ${env}`);

    const rows: PaillierRow[] = [];
    try {
      for (const bits of opts.bits) {
        for (const plan of PLANS) {
          // 3072-bit safe primes take tens of seconds each in a worker: one dealing is enough there.
          const params: BenchParams = { bits, ops: plan.ops, reps, keygenReps: bits >= 3072 ? 1 : keygenReps };
          log(`browser bench: ${bits} bits, ${plan.variant} (${plan.ops.join(', ')})…`);
          const got = await guarded(page.evaluate(
            ([p, v]) => (globalThis as unknown as { benchPool: import('../workers/pool').CryptoPool }).benchPool.benchmark(p, v),
            [params, plan.variant] as const,
          ));
          for (const r of got as BenchRow[]) rows.push({ backend: r.backend, bits: r.bits, op: r.op, msPerOp: Number(r.msPerOp.toPrecision(4)) });
        }
      }
    } catch (error) {
      const extra = pageErrors.length ? ` (page errors: ${pageErrors.join('; ')})` : '';
      throw new Error(`browser bench failed: ${error instanceof Error ? error.message : String(error)}${extra}`, { cause: error });
    }
    return rows;
  } finally {
    await browser?.close();
    await app.close();
  }
}

/** Parses the standalone CLI's argv. */
function parseArgs(argv: string[]): { quick: boolean; bits: number[] } {
  let quick = false;
  let bits = [1024, 2048];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--bits') {
      const v = argv[++i];
      if (!v || !/^\d+(,\d+)*$/.test(v)) throw new RangeError(`--bits expects a comma-separated list of key sizes, got ${v ?? 'nothing'}`);
      bits = v.split(',').map(Number);
    } else throw new RangeError(`unknown option ${a} (expected --quick, --bits 1024,2048)`);
  }
  return { quick, bits };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const rows = await runBrowserPaillierBench({ ...args, log: (l) => console.error(l) });
    console.log(JSON.stringify(rows, null, 2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
