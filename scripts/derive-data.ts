/**
 * Derives the shipped datasets in public/data/ from the source copies in ../shared/data:
 * - lcl-2013.bin: Low Carbon London 2013, complete and non-zero household-days on every 3rd day of
 *   the year, half-hours summed to 24 hourly watt-hours (see src/data/lcl.ts for the layout);
 * - italy-power-demand.csv: ItalyPowerDemand TRAIN + TEST, values copied digit for digit;
 * - CREDITS.md: sources, citations, input checksums and what was derived.
 * Deterministic: the same inputs give byte-identical outputs.
 *
 * Usage: npx tsx scripts/derive-data.ts [--source DIR] [--out DIR]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeItaly } from '../src/data/italy';
import type { ItalySeries } from '../src/data/italy';
import { encodeLcl, LCL_HI_KWH } from '../src/data/lcl';
import type { LclHousehold } from '../src/data/lcl';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Keep days whose day-of-year (0 = 1 January) is a multiple of this. */
export const DAY_STRIDE = 3;
const YEAR = 2013;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a directory`);
  return resolve(v);
}

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** Half-hour kWh text to integer Wh; the source has 3 decimals plus float32 artefacts (1.0779999). */
function wh(field: string, where: string): number {
  if (!/^\d+(\.\d+)?$/.test(field)) throw new Error(`${where}: bad value '${field}'`);
  return Math.round(Number(field) * 1000);
}

interface LclStats { rows: number; complete: number; zero: number; kept: number; hourly: number; over: number; maxWh: number }

function deriveLcl(dir: string, inputs: Array<[string, string]>): { households: LclHousehold[]; stats: LclStats } {
  const files = readdirSync(dir).filter((f) => /^block\d+sep\.csv$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no block*sep.csv in ${dir}`);
  const byId = new Map<string, Map<number, number[]>>();
  const stats: LclStats = { rows: 0, complete: 0, zero: 0, kept: 0, hourly: 0, over: 0, maxWh: 0 };
  const yearStart = Date.UTC(YEAR, 0, 1);
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    inputs.push([`LondonSmartMeters-LCL-2013/${f}`, sha256(text)]);
    const lines = text.split(/\r?\n/);
    if (!lines[0]!.startsWith('LCLid,Date,00:00:00,00:30:00')) throw new Error(`${f}: unexpected header`);
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      const c = line.split(',');
      const where = `${f}:${i + 1}`;
      if (c.length !== 50) throw new Error(`${where}: ${c.length} fields`);
      stats.rows++;
      if (c.slice(2).some((v) => v === '')) continue;
      stats.complete++;
      const [id, date] = c as [string, string];
      if (!/^MAC\d{6}$/.test(id) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`${where}: bad id/date`);
      const doy = Math.round((Date.parse(`${date}T00:00:00Z`) - yearStart) / 86_400_000);
      if (!(doy >= 0 && doy < 366)) throw new Error(`${where}: date ${date} outside ${YEAR}`);
      const hourly: number[] = [];
      for (let h = 0; h < 24; h++) hourly.push(wh(c[2 + 2 * h]!, where) + wh(c[3 + 2 * h]!, where));
      if (hourly.every((v) => v === 0)) { stats.zero++; continue; }
      for (const v of hourly) {
        stats.hourly++;
        if (v > LCL_HI_KWH * 1000) stats.over++;
        if (v > stats.maxWh) stats.maxWh = v;
      }
      if (doy % DAY_STRIDE !== 0) continue;
      let days = byId.get(id);
      if (!days) { days = new Map(); byId.set(id, days); }
      if (days.has(doy)) throw new Error(`${where}: duplicate household-day ${id} ${date}`);
      days.set(doy, hourly);
      stats.kept++;
    }
  }
  const households = [...byId.keys()].sort().map((id) => ({
    id,
    days: [...byId.get(id)!.entries()].sort((a, b) => a[0] - b[0]).map(([dayOfYear, v]) => ({ dayOfYear, wh: v })),
  }));
  return { households, stats };
}

function deriveItaly(dir: string, inputs: Array<[string, string]>): ItalySeries[] {
  const out: ItalySeries[] = [];
  for (const part of ['TRAIN', 'TEST'] as const) {
    const file = `ItalyPowerDemand_${part}.ts`;
    const text = readFileSync(join(dir, file), 'utf8');
    inputs.push([`ItalyPowerDemand/${file}`, sha256(text)]);
    const lines = text.split(/\r?\n/);
    const start = lines.indexOf('@data');
    if (start < 0) throw new Error(`${file}: no @data line`);
    const rows = lines.slice(start + 1).filter((l) => l.trim() !== '');
    const width = part === 'TRAIN' ? 3 : 4;
    rows.forEach((row, i) => {
      const m = /^([^:]+):(\d+)$/.exec(row.trim());
      if (!m) throw new Error(`${file}:${start + 2 + i}: expected 'values:label'`);
      const values = m[1]!.split(',').map(Number);
      if (values.length !== 24 || values.some((v) => !Number.isFinite(v))) {
        throw new Error(`${file}:${start + 2 + i}: expected 24 finite values`);
      }
      out.push({ id: `${part}-${String(i + 1).padStart(width, '0')}`, label: m[2]!, values });
    });
  }
  return out;
}

function credits(inputs: Array<[string, string]>, lcl: { households: number; days: number; bytes: number; stats: LclStats },
  italy: { series: number; bytes: number }): string {
  return `# Shipped datasets: sources and credits

Generated by \`npx tsx scripts/derive-data.ts\` from the source copies in \`../shared/data\`
(see docs/DATA.md). Do not edit by hand.

## lcl-2013.bin — Low Carbon London smart meters, 2013

- Source: UK Power Networks (2015). *SmartMeter Energy Consumption Data in London Households*
  [data set]. London Datastore.
  https://data.london.gov.uk/dataset/smartmeter-energy-use-data-in-london-households
  (Low Carbon London project; trial design: J. Schofield, 2015). Terms: London Datastore
  terms ("may use the data contained in this site for any purpose"; no warranty of quality or accuracy).
- Taken from the pivoted 2013 subset in https://github.com/bogyshi/Data512
  (commit 2fd2bc50636d7c8e02c8e82ac765d56e0b1e8b59, \`finalProject/data/pivotData/\`).
- Derived: ${lcl.households} households (all on the standard flat tariff), ${lcl.days} household-days. Kept
  complete days (48 of 48 half-hours), dropped days whose readings are all zero, kept days whose
  day of the year (0 = 1 January) is a multiple of ${DAY_STRIDE}; adjacent half-hours summed to 24 hourly
  values, stored as watt-hours (lossless). ${lcl.bytes} bytes.
- Public clipping range: [0, ${LCL_HI_KWH}] kWh per hour. Of the ${lcl.stats.hourly} hourly values of all
  complete non-zero days, ${lcl.stats.over} exceed ${LCL_HI_KWH} kWh (maximum ${(lcl.stats.maxWh / 1000).toFixed(3)} kWh).

## italy-power-demand.csv — ItalyPowerDemand (UCR archive)

- Source: H. A. Dau, E. Keogh, K. Kamgar, C.-C. M. Yeh, Y. Zhu, S. Gharghabi, C. A. Ratanamahatana,
  Y. Chen, B. Hu, N. Begum, A. Bagnall, A. Mueen, G. Batista (2018). *The UCR Time Series
  Classification Archive*. https://www.cs.ucr.edu/~eamonn/time_series_data_2018/ — and
  H. A. Dau et al., "The UCR Time Series Archive", IEEE/CAA J. Autom. Sinica 6(6):1293–1305, 2019,
  doi:10.1109/JAS.2019.1911747. First used in E. Keogh, L. Wei, X. Xi, S. Lonardi, J. Shieh,
  S. Sirowy, "Intelligent Icons: Integrating Lite-Weight Data Mining and Visualization into GUI
  Operating Systems", ICDM 2006. Copies from https://github.com/sktime/sktime (BSD-3-Clause
  repository; no separate licence for the data; cite the archive).
- Derived: TRAIN then TEST, ${italy.series} series of 24 values (z-normalised per series, one day of
  Italian national demand each), class label kept, values copied digit for digit. ${italy.bytes} bytes.

## Tumour growth (generated, not shipped)

Synthetic curves from the tumour growth-inhibition model of L. Claret et al., J. Clin. Oncol.
27(25):4103–4108, 2009, and J. Clin. Oncol. 31(17):2110–2114, 2013 (src/data/tumor.ts).

## Input checksums (sha256)

${inputs.map(([f, h]) => `- \`${f}\`: ${h}`).join('\n')}
`;
}

function main(): void {
  const source = arg('--source', resolve(repoRoot, '../shared/data'));
  const out = arg('--out', join(repoRoot, 'public/data'));
  mkdirSync(out, { recursive: true });
  const inputs: Array<[string, string]> = [];

  const { households, stats } = deriveLcl(join(source, 'LondonSmartMeters-LCL-2013'), inputs);
  const lclBytes = encodeLcl(households, { year: YEAR, subset: `complete non-zero days with day-of-year % ${DAY_STRIDE} == 0` });
  writeFileSync(join(out, 'lcl-2013.bin'), lclBytes);

  const italy = deriveItaly(join(source, 'ItalyPowerDemand'), inputs);
  const italyText = encodeItaly(italy);
  writeFileSync(join(out, 'italy-power-demand.csv'), italyText);

  const days = households.reduce((s, h) => s + h.days.length, 0);
  writeFileSync(join(out, 'CREDITS.md'), credits(inputs,
    { households: households.length, days, bytes: lclBytes.length, stats },
    { series: italy.length, bytes: Buffer.byteLength(italyText) }));

  console.log(`lcl: ${stats.rows} rows, ${stats.complete} complete, ${stats.zero} all-zero dropped, ` +
    `${days} household-days of ${households.length} households kept -> lcl-2013.bin (${lclBytes.length} bytes, sha256 ${sha256(lclBytes)})`);
  console.log(`lcl: ${stats.over} of ${stats.hourly} hourly values above ${LCL_HI_KWH} kWh; max ${stats.maxWh} Wh`);
  console.log(`italy: ${italy.length} series -> italy-power-demand.csv (${Buffer.byteLength(italyText)} bytes, sha256 ${sha256(italyText)})`);
}

main();
