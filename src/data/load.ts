/**
 * `loadDataset(name, opts)`: one entry point for `--dataset lcl|tumor|italy|PATH.csv` and the UI.
 * File access is injected, so this runs unchanged in the browser (fetch) and in Node (fs):
 *
 * ```ts
 * // Node (scripts/): files under public/ and CSV paths from the command line
 * const ds = await loadDataset('lcl', { readPublicFile: (p) => readFile(join(repo, 'public', p)) });
 * // Browser
 * const ds = await loadDataset('italy', { readPublicFile: async (p) =>
 *   new Uint8Array(await (await fetch(import.meta.env.BASE_URL + p)).arrayBuffer()) });
 * ```
 * @module
 */
import { seededRng } from '../core/rng';
import type { Rng } from '../core/rng';
import { parseSeriesCsv } from './csv';
import type { CsvOptions } from './csv';
import { decodeItaly, ITALY_FILE } from './italy';
import { decodeLcl, LCL_FILE } from './lcl';
import { generateTumorDataset } from './tumor';
import type { TumorOptions } from './tumor';
import type { Dataset } from './types';

/** Reads a file's bytes or text. */
export type FileReader = (path: string) => Promise<Uint8Array | ArrayBuffer | string>;

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /** Reads a file under `public/` by its relative path (`data/lcl-2013.bin`); needed for lcl and italy. */
  readPublicFile?: FileReader;
  /** Reads a CSV given by path as the dataset name; needed for `*.csv`. */
  readFile?: FileReader;
  /** Tumour: randomness for the generator (default `seededRng(seed ?? 1)`; the data is synthetic). */
  rng?: Rng;
  /** Tumour: seed used when no `rng` is given. */
  seed?: number;
  /** Tumour: number of patients to generate (default 100). Pass N to give every participant a patient. */
  patients?: number;
  /** Tumour: generator settings (series per patient, noise, …). */
  tumor?: TumorOptions;
  /** CSV: parser options (expected length, public lo/hi, …); `name` defaults to the file name. */
  csv?: CsvOptions;
}

function toBytes(x: Uint8Array | ArrayBuffer | string, path: string): Uint8Array {
  if (x instanceof Uint8Array) return x;
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  throw new TypeError(`loadDataset: expected bytes for ${path}, got ${typeof x}`);
}

function toText(x: Uint8Array | ArrayBuffer | string): string {
  return typeof x === 'string' ? x : new TextDecoder('utf-8').decode(x);
}

/**
 * Loads a dataset by name: `lcl` and `italy` decode the shipped files, `tumor` generates patients,
 * any name ending in `.csv` is read with `readFile` and parsed by `parseSeriesCsv`.
 * @throws RangeError on an unknown name, TypeError when a needed reader is missing, and whatever
 * the decoder throws (CsvError for CSV) on bad content.
 */
export async function loadDataset(name: string, opts: LoadDatasetOptions = {}): Promise<Dataset> {
  switch (name) {
    case 'lcl':
    case 'italy': {
      if (!opts.readPublicFile) throw new TypeError(`loadDataset('${name}'): opts.readPublicFile is required`);
      const path = name === 'lcl' ? LCL_FILE : ITALY_FILE;
      const content = await opts.readPublicFile(path);
      return name === 'lcl' ? decodeLcl(toBytes(content, path)) : decodeItaly(toText(content));
    }
    case 'tumor':
      return generateTumorDataset(opts.rng ?? seededRng(opts.seed ?? 1), opts.patients ?? 100, opts.tumor);
    default: {
      if (typeof name !== 'string' || !/\.csv$/i.test(name)) {
        throw new RangeError(`loadDataset: unknown dataset '${String(name)}' (expected lcl, tumor, italy or a .csv path)`);
      }
      if (!opts.readFile) throw new TypeError(`loadDataset('${name}'): opts.readFile is required for a CSV path`);
      const text = toText(await opts.readFile(name));
      const base = name.split(/[\\/]/).pop() ?? name;
      return parseSeriesCsv(text, { name: base, ...opts.csv });
    }
  }
}
