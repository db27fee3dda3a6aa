/**
 * `npm run sim -- [options]`: runs one simulated round (BRIEF §7), prints a progress bar on stderr,
 * a per-iteration table and a human summary, and with `--json FILE` writes the RunResult.
 * Invalid options exit with status 2, a failed run with status 1.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseRunOptions, RUN_OPTIONS_USAGE } from '../src/sim/options';
import { runSimulationDetailed } from '../src/sim/run';
import type { SimProgress } from '../src/sim/run';
import type { IterationReport } from '../src/sim/contract';

const root = resolve(import.meta.dirname, '..');

function bar(p: SimProgress): void {
  if (!process.stderr.isTTY && p.phase === 'running' && p.iteration === 0) return;
  const width = 30;
  const frac = p.phase === 'done' ? 1 : p.iterations > 0 ? p.iteration / p.iterations : 0;
  const filled = Math.round(frac * width);
  const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.phase} ${p.iteration}/${p.iterations}` +
    (p.message ? ` ${p.message}` : ` t=${(p.virtualMs / 1000).toFixed(1)}s virtual`);
  if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(90)}`);
  else process.stderr.write(`${line}\n`);
  if (p.phase === 'done' && process.stderr.isTTY) process.stderr.write('\n');
}

function formatRow(r: IterationReport): string {
  return `${String(r.index).padStart(4)} ${String(r.k).padStart(4)} ${r.epsilon.toFixed(4).padStart(8)} ` +
    `${r.inertia.toFixed(4).padStart(12)} ${(r.bytesPerParticipant / 1024).toFixed(1).padStart(10)} ${r.msPerParticipant.toFixed(2).padStart(10)}`;
}

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseRunOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`sim: ${(err as Error).message}`);
    return 2;
  }
  if (process.argv.includes('--help')) {
    console.log(RUN_OPTIONS_USAGE);
    return 0;
  }
  const { json, ...config } = opts;
  const rows: string[] = [];
  const { result, details } = await runSimulationDetailed(config, {
    readPublicFile: (path) => readFile(resolve(root, 'public', path)),
    readFile: (path) => readFile(resolve(path)),
    onProgress: bar,
    onNote: (note) => process.stderr.write(`\nnote: ${note}\n`),
    onIteration: (r) => { rows.push(formatRow(r)); },
  });
  const f = result.final;
  const privacy = config.protocol === 'ppkm'
    ? `no differential privacy, ${config.neighbors} neighbours`
    : `ε = ${config.epsilon} (${config.strategy}), population ${config.population}`;
  console.log(`\n${config.protocol === 'ppkm' ? 'PPkM' : 'Chiaroscuro'} simulation: ${config.dataset}, N = ${result.participants}, ` +
    `L = ${config.seriesPerParticipant}, k = ${config.k}, ${privacy}, key bits ${config.keyBits}, ` +
    `churn ${config.churn}, loss ${config.loss}, seed ${config.seed}`);
  // PPkM reports its iterations with the result rather than through onIteration.
  if (rows.length === 0) for (const r of result.iterations) rows.push(formatRow(r));
  if (rows.length > 0) {
    console.log('iter    k  epsilon      inertia   KiB/part    ms/part');
    for (const r of rows) console.log(r);
  }
  console.log(`final: ${f.iterations} iterations, ${f.centroids.length} centroids, inertia ${f.inertia.toFixed(4)}, ` +
    `reference ${f.referenceInertia.toFixed(4)} (ratio ${(f.inertia / f.referenceInertia).toFixed(3)}), ` +
    `ε spent ${f.epsilonSpent.toFixed(4)}, ${f.wallSeconds.toFixed(1)} s wall, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  if (details) console.log(`stop: ${details.stopReason}: ${details.stopMessage}`);
  if (json) {
    // stopReason is an additive field beside the BRIEF §7 result.
    const out = details ? { ...result, final: { ...f, stopReason: details.stopReason } } : result;
    await writeFile(resolve(json), `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${json}`);
  }
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error(`\nsim: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
