import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, parseSeriesCsv } from '../../../src/data/csv';
import type { CsvOptions } from '../../../src/data/csv';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../fixtures/data', name), 'utf8');
const arr = (s: Float64Array | undefined): number[] => Array.from(s ?? []);

/** Asserts that parsing throws a CsvError at exactly (line, column) with a message matching `re`. */
function expectCsvError(text: string, line: number, column: number, re: RegExp, opts?: CsvOptions): void {
  let err: unknown;
  try {
    parseSeriesCsv(text, opts);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CsvError);
  const e = err as CsvError;
  expect({ line: e.line, column: e.column }).toEqual({ line, column });
  expect(e.message).toMatch(re);
  expect(e.message.startsWith(`line ${line}, column ${column}: `)).toBe(true);
  expect(e.name).toBe('CsvError');
}

describe('parseSeriesCsv: valid files', () => {
  it('groups rows by the participant column, in order of first appearance', () => {
    const ds = parseSeriesCsv(fixture('participants.csv'), { name: 'p' });
    expect(ds.T).toBe(3);
    expect(ds.name).toBe('p');
    expect(ds.owners.map((o) => o.id)).toEqual(['alice', 'bob']);
    expect(ds.owners[0]!.series.map(arr)).toEqual([[1, 2, 3], [7, 8.5, -0.9]]);
    expect(ds.owners[1]!.series.map(arr)).toEqual([[4, 5, 6]]);
    // Without a public range the data's own range is used.
    expect([ds.lo, ds.hi]).toEqual([-0.9, 8.5]);
  });

  it('handles a BOM, CRLF line ends and a header without participant column', () => {
    const ds = parseSeriesCsv(fixture('header-bom-crlf.csv'));
    expect(ds.T).toBe(3);
    expect(ds.owners.length).toBe(2);
    expect(ds.owners.map((o) => o.series.map(arr))).toEqual([[[1, 2, 3]], [[4, 5, 6]]]);
    expect(new Set(ds.owners.map((o) => o.id)).size).toBe(2);
  });

  it('reads a file without header or trailing newline: every row its own participant', () => {
    const ds = parseSeriesCsv(fixture('no-header.csv'), { expectedLength: 3 });
    expect(ds.owners.map((o) => o.series.map(arr))).toEqual([[[0.5, 1, 2]], [[3, 4, 5]]]);
  });

  it('accepts quoted fields, spaces around fields, blank lines, lone CR and a given public range', () => {
    const text = 'participant,"a","b"\r"x, y", 1 ,"2"\r\r  \n"say ""hi""",3,4\n';
    const ds = parseSeriesCsv(text, { lo: 0, hi: 10, unit: 'kWh' });
    expect(ds.owners.map((o) => o.id)).toEqual(['x, y', 'say "hi"']);
    expect(ds.owners.map((o) => arr(o.series[0]))).toEqual([[1, 2], [3, 4]]);
    expect([ds.lo, ds.hi, ds.unit]).toEqual([0, 10, 'kWh']);
  });

  it('widens a constant range so that lo < hi', () => {
    const ds = parseSeriesCsv('2,2\n2,2\n');
    expect(ds.lo).toBeLessThan(ds.hi);
  });

  it('round-trips generated valid CSV (fast-check)', () => {
    const id = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
      fc.stringMatching(/^[a-z]{1,3}[, ][a-z]{1,3}$/), // needs quoting
    );
    const value = fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 6 }).chain((T) => fc.record({
        T: fc.constant(T),
        rows: fc.array(fc.record({ id, values: fc.array(value, { minLength: T, maxLength: T }) }), { minLength: 1, maxLength: 12 }),
        withParticipant: fc.boolean(),
        header: fc.boolean(),
        eol: fc.constantFrom('\n', '\r\n'),
        bom: fc.boolean(),
        trailing: fc.boolean(),
      })),
      ({ T, rows, withParticipant, header, eol, bom, trailing }) => {
        const hasHeader = header || withParticipant; // a participant column needs the header
        const quote = (s: string): string => (/[,"]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
        const lines: string[] = [];
        if (hasHeader) lines.push([...(withParticipant ? ['participant'] : []), ...Array.from({ length: T }, (_, i) => `t${i}`)].join(','));
        for (const r of rows) lines.push([...(withParticipant ? [quote(r.id)] : []), ...r.values.map(String)].join(','));
        const text = (bom ? '\ufeff' : '') + lines.join(eol) + (trailing ? eol : '');
        const ds = parseSeriesCsv(text, { expectedLength: T });
        expect(ds.T).toBe(T);
        if (withParticipant) {
          const expected = new Map<string, number[][]>();
          for (const r of rows) expected.set(r.id, [...(expected.get(r.id) ?? []), r.values]);
          expect(ds.owners.map((o) => [o.id, o.series.map(arr)])).toEqual([...expected.entries()]);
        } else {
          expect(ds.owners.map((o) => o.series.map(arr))).toEqual(rows.map((r) => [r.values]));
        }
        const all = rows.flatMap((r) => r.values);
        expect(ds.lo).toBeLessThanOrEqual(Math.min(...all));
        expect(ds.hi).toBeGreaterThanOrEqual(Math.max(...all));
      },
    ), { numRuns: 300, seed: 42 });
  });
});

describe('parseSeriesCsv: every error names line and column', () => {
  it('empty file, whitespace-only file, BOM only', () => {
    expectCsvError('', 1, 1, /empty/);
    expectCsvError('\n \r\n', 1, 1, /empty/);
    expectCsvError('\ufeff', 1, 1, /empty/);
  });

  it('header without data rows', () => {
    expectCsvError('participant,a,b\n', 2, 1, /no data rows after the header/);
  });

  it('ragged rows: missing and extra fields', () => {
    expectCsvError(fixture('ragged.csv'), 2, 4, /expected 4 fields like line 1, got 3/);
    expectCsvError('1,2,3\n4,5,6,7\n', 2, 4, /expected 3 fields like line 1, got 4/);
  });

  it('non-numbers, NaN, Infinity, empty cells, out-of-range numbers', () => {
    expectCsvError('1,2,3\n4,abc,6\n', 2, 2, /'abc' is not a number/);
    expectCsvError('1,2,3\n4,NaN,6\n', 2, 2, /'NaN' is not a finite number/);
    expectCsvError('1,2,3\n4,5,-Infinity\n', 2, 3, /'-Infinity' is not a finite number/);
    expectCsvError('1,2,3\n4,,6\n', 2, 2, /empty value/);
    expectCsvError('1,2,\n', 1, 3, /empty value/);
    expectCsvError('1,2,3\n4,5,1e999\n', 2, 3, /out of range/);
    expectCsvError('1,2,3\n4,0x10,6\n', 2, 2, /not a number/);
    expectCsvError('1,2,3\n4,"1,5",6\n', 2, 2, /not a number/);
  });

  it('wrong length for the round, with and without header', () => {
    expectCsvError('1,2,3\n', 1, 3, /rows have 3 values but this round needs 2/, { expectedLength: 2 });
    expectCsvError('participant,a,b\nx,1,2\n', 1, 4, /rows have 2 values but this round needs 24/, { expectedLength: 24 });
  });

  it('a participant column without header', () => {
    expectCsvError('alice,1,2\nbob,3,4\n', 1, 1, /looks like a participant id, but there is no header row/);
    expectCsvError('1,2,3\nalice,1,2\n', 2, 1, /needs a header row whose first field is 'participant'/);
    expectCsvError('id,a,b\nalice,1,2\n', 2, 1, /needs a header row whose first field is 'participant'/);
  });

  it('empty participant id, empty column name, header with no value column', () => {
    expectCsvError('participant,a\n,1\n', 2, 1, /empty participant id/);
    expectCsvError('participant,a,,c\nx,1,2,3\n', 1, 3, /empty column name/);
    expectCsvError('participant\nx\n', 1, 2, /no value columns/);
  });

  it('bad quoting', () => {
    expectCsvError('participant,a\n"x,1\n', 2, 1, /unterminated quoted field/);
    expectCsvError('participant,a\n"x"y,1\n', 2, 1, /after a closing quote/);
    expectCsvError('participant,a\nx"y,1\n', 2, 1, /a quote may only open a field/);
  });

  it('too large a file', () => {
    expectCsvError('1,2\n'.repeat(10), 1, 1, /more than the limit of 16/, { maxChars: 16 });
  });

  it('rejects invalid options with RangeError/TypeError', () => {
    expect(() => parseSeriesCsv('1', { expectedLength: 0 })).toThrow(RangeError);
    expect(() => parseSeriesCsv('1', { lo: 0 })).toThrow(/both lo and hi/);
    expect(() => parseSeriesCsv('1', { lo: 1, hi: 1 })).toThrow(RangeError);
    expect(() => parseSeriesCsv('1', { maxChars: -1 })).toThrow(RangeError);
    expect(() => parseSeriesCsv(42 as unknown as string)).toThrow(TypeError);
  });
});
