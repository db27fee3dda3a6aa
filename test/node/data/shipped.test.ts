// The shipped files in public/data against the source copies in ../shared/data (present here and in CI).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeItaly, encodeItaly, ITALY_BOUND, ITALY_FILE } from '../../../src/data/italy';
import { decodeLcl, encodeLcl, LCL_FILE, LCL_HI_KWH } from '../../../src/data/lcl';

const repo = resolve(__dirname, '../../..');
const source = resolve(repo, '../shared/data');
// The source copies sit beside the repo here and in CI; their absence is a setup error, not a skip.
if (!existsSync(join(source, 'LondonSmartMeters-LCL-2013')) || !existsSync(join(source, 'ItalyPowerDemand'))) {
  throw new Error(`shipped.test: source data not found at ${source} (expected ../shared/data beside the repo)`);
}
const lclBytes = readFileSync(join(repo, 'public', LCL_FILE));
const italyText = readFileSync(join(repo, 'public', ITALY_FILE), 'utf8');

describe('LCL file', () => {
  const ds = decodeLcl(lclBytes);

  it('has the documented shape and size', () => {
    expect(lclBytes.length).toBeLessThan(1.5e6);
    expect([ds.name, ds.T, ds.lo, ds.hi, ds.unit]).toEqual(['lcl', 24, 0, LCL_HI_KWH, 'kWh']);
    expect(ds.owners.length).toBe(180);
    const ids = ds.owners.map((o) => o.id);
    expect([...ids].sort()).toEqual(ids);
    const bad: string[] = [];
    for (const o of ds.owners) {
      if (o.labels!.length !== o.series.length) bad.push(`${o.id}: labels`);
      for (const label of o.labels!) {
        const doy = (Date.parse(`${label}T00:00:00Z`) - Date.UTC(2013, 0, 1)) / 86_400_000;
        if (doy % 3 !== 0) bad.push(`${o.id} ${label}`);
      }
    }
    expect(bad).toEqual([]);
    expect(ds.owners.reduce((s, o) => s + o.series.length, 0)).toBe(20_734);
  });

  it('known answers: MAC000002 on 2013-01-01', () => {
    const h = ds.owners.find((o) => o.id === 'MAC000002')!;
    const day = h.series[h.labels!.indexOf('2013-01-01')]!;
    expect(day[0]).toBeCloseTo(0.219 + 0.241, 9); // 0.46 kWh
    expect(day[12]).toBeCloseTo(0.794 + 0.507, 9);
    expect(day[23]).toBeCloseTo(0.253 + 0.258, 9);
  });

  it('every kept household-day equals the source half-hours summed, and nothing else is kept', () => {
    const dir = join(source, 'LondonSmartMeters-LCL-2013');
    const decoded = new Map<string, Float64Array>();
    for (const o of ds.owners) o.series.forEach((s, i) => decoded.set(`${o.id} ${o.labels![i]}`, s));
    let expectedCount = 0;
    let maxErr = 0;
    const missing: string[] = [];
    const wronglyKept: string[] = [];
    for (const f of readdirSync(dir).filter((n) => /^block\d+sep\.csv$/.test(n))) {
      const lines = readFileSync(join(dir, f), 'utf8').split('\n');
      for (const line of lines.slice(1)) {
        const c = line.trim().split(',');
        if (c.length !== 50) continue;
        const doy = (Date.parse(`${c[1]}T00:00:00Z`) - Date.UTC(2013, 0, 1)) / 86_400_000;
        const half = c.slice(2);
        const keep = doy % 3 === 0 && half.every((v) => v !== '') && half.some((v) => Number(v) !== 0);
        const got = decoded.get(`${c[0]} ${c[1]}`);
        if (!keep) { if (got) wronglyKept.push(`${c[0]} ${c[1]}`); continue; }
        expectedCount++;
        if (!got) { missing.push(`${c[0]} ${c[1]}`); continue; }
        for (let h = 0; h < 24; h++) {
          maxErr = Math.max(maxErr, Math.abs(got![h]! - (Number(half[2 * h]) + Number(half[2 * h + 1]))));
        }
      }
    }
    expect(missing).toEqual([]);
    expect(wronglyKept).toEqual([]);
    expect(decoded.size).toBe(expectedCount);
    expect(expectedCount).toBeGreaterThan(20_000);
    expect(maxErr).toBeLessThan(1e-6); // watt-hour storage; only float32 artefacts differ
  });

  it('encode/decode round-trips and the decoder rejects damaged bytes', () => {
    const bytes = encodeLcl([{ id: 'H1', days: [{ dayOfYear: 0, wh: Array(24).fill(65535) }, { dayOfYear: 364, wh: Array.from({ length: 24 }, (_, i) => i) }] }],
      { year: 2013, subset: 'test' });
    const d = decodeLcl(bytes.buffer.slice(0) as ArrayBuffer);
    expect(d.owners[0]!.labels).toEqual(['2013-01-01', '2013-12-31']);
    expect(d.owners[0]!.series[0]![0]).toBe(65.535);
    expect(Array.from(d.owners[0]!.series[1]!)).toEqual(Array.from({ length: 24 }, (_, i) => i / 1000));
    expect(() => decodeLcl(bytes.subarray(0, bytes.length - 2))).toThrow(/expected \d+ bytes/);
    const bad = bytes.slice(); bad[0] = 0;
    expect(() => decodeLcl(bad)).toThrow(/bad magic/);
    expect(() => decodeLcl(new Uint8Array(3))).toThrow(TypeError);
    const hdr = bytes.slice(); hdr[8] = 0x20; // breaks the JSON's opening brace
    expect(() => decodeLcl(hdr)).toThrow(/JSON|format/);
    expect(() => encodeLcl([{ id: 'H', days: [{ dayOfYear: 3, wh: Array(24).fill(0) }, { dayOfYear: 3, wh: Array(24).fill(0) }] }],
      { year: 2013, subset: '' })).toThrow(/increasing/);
    expect(() => encodeLcl([{ id: 'H', days: [{ dayOfYear: 3, wh: Array(24).fill(70000) }] }], { year: 2013, subset: '' })).toThrow(RangeError);
    expect(() => encodeLcl([{ id: 'H', days: [{ dayOfYear: 3, wh: Array(23).fill(0) }] }], { year: 2013, subset: '' })).toThrow(/need 24/);
  });
});

describe('ItalyPowerDemand file', () => {
  const ds = decodeItaly(italyText);

  it('has 1096 single-series owners, z-normalised, within the public bound', () => {
    expect([ds.name, ds.T, ds.lo, ds.hi, ds.unit]).toEqual(['italy', 24, -ITALY_BOUND, ITALY_BOUND, 'z-score']);
    expect(ds.owners.length).toBe(1096);
    expect(ds.owners[0]!.id).toBe('TRAIN-001');
    expect(ds.owners[67]!.id).toBe('TEST-0001');
    for (const o of ds.owners) {
      expect(o.series.length).toBe(1);
      const s = o.series[0]!;
      const mean = s.reduce((a, b) => a + b, 0) / 24;
      const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / 23);
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(Math.abs(sd - 1)).toBeLessThan(1e-6);
      expect(Math.max(...s.map(Math.abs))).toBeLessThanOrEqual(ITALY_BOUND);
    }
    expect(ds.owners.filter((o) => o.labels![0] === 'class 1').length).toBe(34 + 513);
  });

  it('matches the source .ts files value for value', () => {
    const rows = ['TRAIN', 'TEST'].flatMap((p) => {
      const lines = readFileSync(join(source, 'ItalyPowerDemand', `ItalyPowerDemand_${p}.ts`), 'utf8').split(/\r?\n/);
      return lines.slice(lines.indexOf('@data') + 1).filter((l) => l.trim() !== '');
    });
    expect(rows.length).toBe(ds.owners.length);
    rows.forEach((row, i) => {
      const [vals, label] = row.trim().split(':') as [string, string];
      expect(Array.from(ds.owners[i]!.series[0]!)).toEqual(vals.split(',').map(Number));
      expect(ds.owners[i]!.labels).toEqual([`class ${label}`]);
    });
  });

  it('encode/decode round-trips and the decoder rejects damaged text', () => {
    const text = encodeItaly([{ id: 'A-1', label: '2', values: Array.from({ length: 24 }, (_, i) => i - 11.5) }]);
    const d = decodeItaly(text);
    expect(Array.from(d.owners[0]!.series[0]!)).toEqual(Array.from({ length: 24 }, (_, i) => i - 11.5));
    expect(() => decodeItaly(text.replace('id,', 'x,'))).toThrow(/line 1: unexpected header/);
    expect(() => decodeItaly(text.replace(',0.5,', ',abc,'))).toThrow(/line 2, column 15: 'abc' is not a number/);
    expect(() => decodeItaly(text.replace(',0.5,', ','))).toThrow(/line 2: expected 26 fields, got 25/);
    expect(() => decodeItaly(text + text.split('\n')[1] + '\n')).toThrow(/duplicate id/);
    expect(() => decodeItaly(text.split('\n')[0]!)).toThrow(/no series/);
    expect(() => encodeItaly([{ id: 'a,b', label: '1', values: Array(24).fill(0) }])).toThrow(RangeError);
  });
});

describe('scripts/derive-data.ts', () => {
  it('regenerates the shipped files byte for byte', () => {
    const out = mkdtempSync(join(tmpdir(), 'derive-'));
    try {
      execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'scripts/derive-data.ts'), '--out', out], { cwd: repo, stdio: 'pipe' });
      for (const f of ['lcl-2013.bin', 'italy-power-demand.csv', 'CREDITS.md']) {
        expect(readFileSync(join(out, f)).equals(readFileSync(join(repo, 'public/data', f))), f).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
