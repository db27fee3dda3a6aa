/**
 * `npm run bench -- [--quick] [--browser] [--json FILE]`: runs the benchmark sections, prints a table
 * per section and optionally writes `{ "paillier": [...], "ppkm": [...], "chiaroscuro": [...] }`.
 *
 * A section is a function `(opts) => Promise<rows>` registered in {@link SECTIONS}. Sections living in
 * other files are loaded lazily by path, so another engineer adds one by creating the file with the
 * named export (e.g. bench/ppkm.ts exporting `runPpkmBench`); a missing file is reported and skipped.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { formatMs, formatTable } from './table';
import type { PaillierRow } from './paillier';
import { benchBits, runPaillierBench } from './paillier';

/** Parsed command-line options, handed to every section. */
export interface BenchOptions {
  /** Few repetitions and small sizes: must finish in under a minute. */
  readonly quick: boolean;
  /** Also run the Chromium-worker Paillier bench (bench/browser-paillier.ts). */
  readonly browser: boolean;
  /** Where to write the JSON result, if anywhere. */
  readonly json: string | undefined;
  /** Progress output (stderr). */
  readonly log: (msg: string) => void;
}

/** A row is a flat record of strings and numbers. */
export type Row = Readonly<Record<string, unknown>>;

/** One benchmark section: a JSON key and how to produce its rows. */
export interface Section {
  readonly key: 'paillier' | 'ppkm' | 'chiaroscuro';
  readonly title: string;
  run(opts: BenchOptions): Promise<Row[]>;
}

type SectionFn = (opts: BenchOptions) => Promise<Row[]>;

/**
 * Loads the first of `exportNames` that `file` (relative to bench/) exports, at run time. Returns a
 * reason string instead when the file is absent or exports none of them (a section still being written).
 */
async function lazy(file: string, exportNames: readonly string[]): Promise<SectionFn | string> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(new URL(file, import.meta.url).href)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return `bench/${file.replace('./', '')} does not exist yet`;
    throw e;
  }
  for (const name of exportNames) {
    const fn = mod[name];
    if (typeof fn === 'function') return fn as SectionFn;
  }
  return `bench/${file.replace('./', '')} exports none of ${exportNames.join(', ')}`;
}

function lazySection(key: Section['key'], title: string, file: string, exportNames: readonly string[]): Section {
  return {
    key,
    title,
    async run(opts) {
      const fn = await lazy(file, exportNames);
      if (typeof fn === 'string') {
        opts.log(`[${key}] skipped: ${fn}`);
        return [];
      }
      return fn(opts);
    },
  };
}

/** The registered sections, in run order. Add a section here (or create the lazily loaded file). */
export const SECTIONS: readonly Section[] = [
  {
    key: 'paillier',
    title: 'Paillier (Node, BigInt), ms per operation (median)',
    async run(opts) {
      const rows: Row[] = [...(await runPaillierBench({ quick: opts.quick, log: (m) => opts.log(`[paillier] ${m}`) }))];
      if (opts.browser) {
        const fn = await lazy('./browser-paillier.ts', ['runBrowserPaillierBench']);
        if (typeof fn === 'string') {
          opts.log(`[paillier] --browser: ${fn}; browser rows skipped`);
          process.exitCode = 1;
        } else {
          const browserOpts = { quick: opts.quick, bits: benchBits(opts.quick), log: (m: string) => opts.log(`[paillier/browser] ${m}`) };
          rows.push(...(await (fn as unknown as (o: typeof browserOpts) => Promise<Row[]>)(browserOpts)));
        }
      }
      return rows;
    },
  },
  lazySection('ppkm', 'PPkM (Zhu & Li 2020), seconds per node-iteration', './ppkm.ts', ['runPpkmBench', 'benchPpkm']),
  lazySection('chiaroscuro', 'Chiaroscuro, per participant-iteration', './chiaroscuro.ts', ['runChiaroscuroBench', 'benchChiaroscuro']),
];

const USAGE = 'usage: npm run bench -- [--quick] [--browser] [--json FILE]';

/** Parses argv (without node and script); throws an Error with a clear message on bad input. */
export function parseArgs(argv: readonly string[], log: (msg: string) => void = (m) => process.stderr.write(m + '\n')): BenchOptions | 'help' {
  let quick = false, browser = false;
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--browser') browser = true;
    else if (a === '--json' || a.startsWith('--json=')) {
      const v = a === '--json' ? argv[++i] : a.slice('--json='.length);
      if (v === undefined || v === '' || v.startsWith('--')) throw new Error(`--json needs a file name\n${USAGE}`);
      json = v;
    } else if (a === '--help' || a === '-h') return 'help';
    else throw new Error(`unknown option '${a}'\n${USAGE}`);
  }
  return { quick, browser, json, log };
}

/** Pivot of paillier rows: one line per (backend, op), one column per key size. */
export function paillierTable(rows: readonly PaillierRow[]): string {
  const bits = [...new Set(rows.map((r) => r.bits))].sort((a, b) => a - b);
  const keys = [...new Set(rows.map((r) => `${r.backend}\u0000${r.op}`))];
  const body = keys.map((k) => {
    const [backend, op] = k.split('\u0000') as [string, string];
    return [backend, op, ...bits.map((b) => {
      const r = rows.find((x) => x.backend === backend && x.op === op && x.bits === b);
      return r ? formatMs(r.msPerOp) : '-';
    })];
  });
  return formatTable(['backend', 'op', ...bits.map(String)], body);
}

/** The three goals of the crypto brief at 2048 bits, checked against the measured rows. */
export function paillierGoals(rows: readonly PaillierRow[]): string[] {
  const get = (backend: string, op: string): number | undefined => rows.find((r) => r.backend === backend && r.op === op && r.bits === 2048)?.msPerOp;
  const goal = (label: string, v: number | undefined, limit: number): string =>
    v === undefined ? `  ${label}: not measured` : `  ${v <= limit ? 'OK  ' : 'MISS'} ${label}: ${formatMs(v)} ms (goal ≤ ${limit} ms)`;
  return [
    'Goals at 2048 bits:',
    goal('encryptOnline (bigint)', get('bigint', 'encryptOnline'), 1),
    goal('encrypt, DJN (bigint-djn)', get('bigint-djn', 'encrypt'), 6.97),
    goal('decrypt, CRT (bigint)', get('bigint', 'decrypt'), 5.7),
  ];
}

function genericTable(rows: readonly Row[]): string {
  const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return formatTable(headers, rows.map((r) => headers.map((h) => r[h] ?? '-')));
}

async function main(): Promise<void> {
  let opts: BenchOptions | 'help';
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(2);
  }
  if (opts === 'help') {
    process.stdout.write(`${USAGE}\n  --quick    few repetitions, 1024/2048 bits only (< 60 s)\n  --browser  also run the Paillier ops in a Chromium worker\n  --json F   write the results as JSON to F\n`);
    return;
  }
  const started = performance.now();
  const result: Record<Section['key'], Row[]> = { paillier: [], ppkm: [], chiaroscuro: [] };
  for (const section of SECTIONS) {
    const t = performance.now();
    const rows = await section.run(opts);
    result[section.key].push(...rows);
    if (rows.length === 0) continue;
    process.stdout.write(`\n${section.title} — ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    if (section.key === 'paillier') {
      const pr = rows as unknown as PaillierRow[];
      process.stdout.write(paillierTable(pr) + '\n\n' + paillierGoals(pr).join('\n') + '\n');
    } else {
      process.stdout.write(genericTable(rows) + '\n');
    }
  }
  process.stdout.write(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s${opts.quick ? ' (--quick)' : ''}\n`);
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`Wrote ${opts.json}\n`);
  }
  // A section may leave a handle open (browser, dev server, timers): the run is over, so exit.
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
}

// Run only as a script (tests import parseArgs and the formatters).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
