/**
 * Bundled datasets in the browser: fetches the shipped files under public/data and hands them to the
 * data layer's loader. The three use cases of the app map to dataset names here.
 * @module
 */
import { loadDataset, type Dataset } from '../data/index';

/** Use cases offered by the UI. */
export const USE_CASES = [
  { name: 'lcl', label: 'Electricity (London smart meters, 24 hourly kWh per day)' },
  { name: 'tumor', label: 'Tumour growth (synthetic, 20 weekly sizes in mm)' },
  { name: 'italy', label: 'Italy power demand (24 hourly z-scores)' },
] as const;

/** A bundled dataset name. */
export type BundledName = (typeof USE_CASES)[number]['name'];

/** Short label of a dataset for titles. */
export function datasetLabel(name: string): string {
  return name === 'lcl' ? 'electricity' : name === 'tumor' ? 'tumour growth' : name === 'italy' ? 'Italy power demand' : name;
}

/** Reads a file under public/ over HTTP; a missing file is an error that says how to create it. */
export async function readPublicFile(path: string): Promise<Uint8Array> {
  const url = `${import.meta.env.BASE_URL}${path}`;
  const res = await fetch(url);
  // Vite's dev server answers unknown paths with index.html (200): treat HTML as "missing".
  if (!res.ok || (res.headers.get('content-type') ?? '').includes('text/html')) {
    throw new Error(`Dataset file ${url} is missing (HTTP ${res.status}); create it with: npx tsx scripts/derive-data.ts`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

const cache = new Map<string, Promise<Dataset>>();

/**
 * Loads a bundled dataset once per page (tumour: `patients` synthetic patients, seeded).
 * @throws whatever the loader throws (missing file, decoding error)
 */
export function loadBundled(name: BundledName, patients = 200, seed = 1): Promise<Dataset> {
  const key = name === 'tumor' ? `tumor:${patients}:${seed}` : name;
  let p = cache.get(key);
  if (!p) {
    p = loadDataset(name, { readPublicFile, patients, seed });
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}
