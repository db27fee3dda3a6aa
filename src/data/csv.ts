/**
 * CSV import (BRIEF §6): one series per row, an optional header row, an optional first column named
 * `participant` (rows sharing an id belong to one participant; without it every row is its own
 * participant), then T numeric columns. Anything else is a {@link CsvError} naming line and column.
 *
 * Header rule: the first non-blank row is a header when its first field is not a number. A header
 * whose first field is `participant` (any case) declares the participant column. A first row whose
 * first field is text but whose other fields are all numbers is rejected: it is a participant id
 * without the header that declares it.
 * @module
 */
import type { Dataset, DatasetOwner } from './types';

/** Largest accepted input, in UTF-16 code units (≈ bytes for ASCII): 16 Mi. */
export const CSV_MAX_CHARS = 16 * 1024 * 1024;

/** A CSV rejected by {@link parseSeriesCsv}. `line` and `column` are 1-based. */
export class CsvError extends Error {
  /** 1-based line of the offending row (physical line in the file). */
  readonly line: number;
  /** 1-based column (field index) of the offending field. */
  readonly column: number;
  constructor(line: number, column: number, message: string) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = 'CsvError';
    this.line = line;
    this.column = column;
  }
}

/** Options of {@link parseSeriesCsv}. */
export interface CsvOptions {
  /** Required series length (the round's T); a different length is an error. */
  expectedLength?: number;
  /** Dataset name (default `csv`). */
  name?: string;
  /** Unit label (default `value`). */
  unit?: string;
  /**
   * Public value range. Give it whenever the data is not public: without it the range is the data's
   * own min/max, which depends on the data.
   */
  lo?: number;
  /** See {@link CsvOptions.lo}. */
  hi?: number;
  /** Size limit in UTF-16 code units (default {@link CSV_MAX_CHARS}). */
  maxChars?: number;
}

// Plain decimal numbers only: no hex, no `Infinity`, no `NaN`, no thousands separators.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function isNumber(field: string): boolean {
  return NUMBER.test(field);
}

/** Splits one physical line into fields: comma separated, `"quoted ""fields"""` allowed, trimmed. */
function splitFields(line: string, lineNo: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    const col = fields.length + 1;
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new CsvError(lineNo, col, 'unterminated quoted field');
        const ch = line[i]!;
        if (ch === '"') {
          if (line[i + 1] === '"') { value += '"'; i += 2; continue; }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
      if (i < line.length && line[i] !== ',') {
        throw new CsvError(lineNo, col, 'unexpected text after a closing quote');
      }
      fields.push(value.trim());
    } else {
      const end = line.indexOf(',', i);
      const raw = end < 0 ? line.slice(i) : line.slice(i, end);
      if (raw.includes('"')) throw new CsvError(lineNo, col, 'a quote may only open a field');
      fields.push(raw.trim());
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i++; // skip the comma; a trailing comma yields a final empty field
    if (i === line.length) { fields.push(''); return fields; }
  }
}

function parseValue(field: string, lineNo: number, col: number): number {
  if (field === '') throw new CsvError(lineNo, col, 'empty value');
  if (/^[+-]?(nan|inf|infinity)$/i.test(field)) {
    throw new CsvError(lineNo, col, `'${field}' is not a finite number`);
  }
  if (!isNumber(field)) {
    const shown = field.length > 40 ? `${field.slice(0, 40)}…` : field;
    throw new CsvError(lineNo, col, `'${shown}' is not a number`);
  }
  const v = Number(field);
  if (!Number.isFinite(v)) throw new CsvError(lineNo, col, `'${field}' is out of range`);
  return v;
}

/**
 * Parses a series CSV (BRIEF §6) into a {@link Dataset}.
 * @throws CsvError on any malformed input, naming line and column.
 * @throws RangeError on invalid options.
 */
export function parseSeriesCsv(text: string, opts: CsvOptions = {}): Dataset {
  if (typeof text !== 'string') throw new TypeError('parseSeriesCsv: text must be a string');
  const maxChars = opts.maxChars ?? CSV_MAX_CHARS;
  if (!Number.isSafeInteger(maxChars) || maxChars <= 0) {
    throw new RangeError(`parseSeriesCsv: maxChars must be a positive integer, got ${maxChars}`);
  }
  const expected = opts.expectedLength;
  if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 1)) {
    throw new RangeError(`parseSeriesCsv: expectedLength must be a positive integer, got ${expected}`);
  }
  if ((opts.lo === undefined) !== (opts.hi === undefined)) {
    throw new RangeError('parseSeriesCsv: give both lo and hi, or neither');
  }
  if (opts.lo !== undefined && opts.hi !== undefined &&
      !(Number.isFinite(opts.lo) && Number.isFinite(opts.hi) && opts.lo < opts.hi)) {
    throw new RangeError(`parseSeriesCsv: need finite lo < hi, got [${opts.lo}, ${opts.hi}]`);
  }
  if (text.length > maxChars) {
    throw new CsvError(1, 1, `file is ${text.length} characters, more than the limit of ${maxChars}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);

  let participantColumn = false;
  let width = -1; // fields per row
  let sawHeader = false;
  let firstRowLine = 0;
  const owners = new Map<string, DatasetOwner>();
  let rowCount = 0;
  let min = Infinity;
  let max = -Infinity;

  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    const line = lines[idx]!;
    if (line.trim() === '') continue;
    const fields = splitFields(line, lineNo);

    if (width < 0) {
      // First non-blank row: header or data?
      firstRowLine = lineNo;
      width = fields.length;
      const first = fields[0]!;
      if (!isNumber(first)) {
        const isParticipant = first.toLowerCase() === 'participant';
        if (!isParticipant && fields.length > 1 && fields.slice(1).every(isNumber)) {
          throw new CsvError(lineNo, 1,
            `'${first}' looks like a participant id, but there is no header row: ` +
            `add a first line starting with 'participant'`);
        }
        participantColumn = isParticipant;
        sawHeader = true;
        fields.forEach((f, i) => {
          if (f === '') throw new CsvError(lineNo, i + 1, 'empty column name in the header');
        });
        checkLength(width - (participantColumn ? 1 : 0), participantColumn ? 1 : 0, lineNo, expected);
        continue;
      }
      checkLength(width, 0, lineNo, expected);
    }

    if (fields.length !== width) {
      const col = Math.min(fields.length, width) + 1;
      throw new CsvError(lineNo, col,
        `expected ${width} fields like line ${firstRowLine}, got ${fields.length}`);
    }
    const offset = participantColumn ? 1 : 0;
    let id: string;
    if (participantColumn) {
      id = fields[0]!;
      if (id === '') throw new CsvError(lineNo, 1, 'empty participant id');
    } else {
      id = `row-${lineNo}`;
      if (!isNumber(fields[0]!) && fields[0] !== '') {
        throw new CsvError(lineNo, 1,
          `'${fields[0]}' is not a number; a participant column needs a header row whose first field is 'participant'`);
      }
    }
    const series = new Float64Array(width - offset);
    for (let j = offset; j < width; j++) {
      const v = parseValue(fields[j]!, lineNo, j + 1);
      series[j - offset] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    let owner = owners.get(id);
    if (!owner) { owner = { id, series: [] }; owners.set(id, owner); }
    owner.series.push(series);
    rowCount++;
  }

  if (width < 0) throw new CsvError(1, 1, 'the file is empty');
  if (rowCount === 0) {
    throw new CsvError(firstRowLine + 1, 1, sawHeader ? 'no data rows after the header' : 'no data rows');
  }
  let lo = opts.lo ?? min;
  let hi = opts.hi ?? max;
  if (lo === hi) { lo -= 0.5; hi += 0.5; } // constant data: keep a non-empty range
  return {
    name: opts.name ?? 'csv',
    T: width - (participantColumn ? 1 : 0),
    lo,
    hi,
    unit: opts.unit ?? 'value',
    owners: [...owners.values()],
  };
}

function checkLength(T: number, offset: number, lineNo: number, expected: number | undefined): void {
  if (T < 1) throw new CsvError(lineNo, offset + 1, 'no value columns');
  if (expected !== undefined && T !== expected) {
    const col = offset + Math.min(T, expected) + 1;
    throw new CsvError(lineNo, col,
      `rows have ${T} values but this round needs ${expected}`);
  }
}
