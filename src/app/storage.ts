/**
 * IndexedDB persistence (idb): the participant's own data (so a reload loses nothing) and the
 * history of finished runs. Everything stays in this browser profile; nothing is uploaded.
 * Values read back are validated: a corrupted or foreign record is reported, not trusted.
 * @module
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunRecord } from './run-record';

/** The participant's own series as kept in this tab. */
export interface OwnData {
  /** `bundled` = a participant of a shipped dataset; `csv` = a file the user dropped. */
  source: 'bundled' | 'csv';
  /** e.g. `electricity · household MAC000002` or the file name. */
  label: string;
  /** Dataset name the series belong to (`lcl`, `tumor`, `italy`, or the CSV file name). */
  dataset: string;
  unit: string;
  T: number;
  series: number[][];
  savedAt: number;
}

interface Schema extends DBSchema {
  own: { key: string; value: OwnData };
  runs: { key: string; value: RunRecord; indexes: { savedAt: number } };
}

/** Default database name. */
export const DB_NAME = 'chiaroscuro';
const OWN_KEY = 'current';

/** A handle on the app's IndexedDB database. */
export interface Store {
  saveOwnData(data: OwnData): Promise<void>;
  loadOwnData(): Promise<OwnData | undefined>;
  clearOwnData(): Promise<void>;
  saveRun(run: RunRecord): Promise<void>;
  /** Runs newest first. */
  listRuns(): Promise<RunRecord[]>;
  getRun(id: string): Promise<RunRecord | undefined>;
  deleteRun(id: string): Promise<void>;
  close(): void;
}

/**
 * Checks that `v` is a well-formed {@link OwnData}.
 * @throws TypeError naming the first bad field
 */
export function assertOwnData(v: unknown): asserts v is OwnData {
  const o = v as Partial<OwnData> | null;
  if (typeof o !== 'object' || o === null) throw new TypeError('own data: not an object');
  if (o.source !== 'bundled' && o.source !== 'csv') throw new TypeError('own data: source must be bundled or csv');
  for (const f of ['label', 'dataset', 'unit'] as const) {
    if (typeof o[f] !== 'string') throw new TypeError(`own data: ${f} must be a string`);
  }
  if (!Number.isInteger(o.T) || (o.T ?? 0) < 1) throw new TypeError('own data: T must be a positive integer');
  if (!Array.isArray(o.series) || o.series.length === 0) throw new TypeError('own data: series must be a non-empty array');
  o.series.forEach((s, i) => {
    if (!Array.isArray(s) || s.length !== o.T || !s.every(Number.isFinite)) {
      throw new TypeError(`own data: series ${i} must hold ${o.T} finite numbers`);
    }
  });
  if (typeof o.savedAt !== 'number') throw new TypeError('own data: savedAt must be a number');
}

/**
 * Checks the fields the views rely on in a {@link RunRecord}.
 * @throws TypeError naming the first bad field
 */
export function assertRunRecord(v: unknown): asserts v is RunRecord {
  const r = v as Partial<RunRecord> | null;
  if (typeof r !== 'object' || r === null) throw new TypeError('run: not an object');
  if (typeof r.id !== 'string' || r.id === '') throw new TypeError('run: id must be a non-empty string');
  if (typeof r.label !== 'string') throw new TypeError('run: label must be a string');
  if (r.source !== 'lab' && r.source !== 'swarm') throw new TypeError('run: source must be lab or swarm');
  if (!Number.isInteger(r.T) || (r.T ?? 0) < 1) throw new TypeError('run: T must be a positive integer');
  if (typeof r.result !== 'object' || r.result === null || !Array.isArray(r.result.iterations)) throw new TypeError('run: result.iterations missing');
  if (!Array.isArray(r.centroids)) throw new TypeError('run: centroids must be an array');
  if (r.centroids.length !== r.result.iterations.length) throw new TypeError('run: one centroid set per iteration expected');
}

/** Opens (or creates) the app database. Pass another name in tests to stay isolated. */
export async function openStore(name = DB_NAME): Promise<Store> {
  const db: IDBPDatabase<Schema> = await openDB<Schema>(name, 1, {
    upgrade(d) {
      d.createObjectStore('own');
      d.createObjectStore('runs', { keyPath: 'id' }).createIndex('savedAt', 'savedAt');
    },
  });
  return {
    async saveOwnData(data) {
      assertOwnData(data);
      await db.put('own', data, OWN_KEY);
    },
    async loadOwnData() {
      const v = await db.get('own', OWN_KEY);
      if (v === undefined) return undefined;
      assertOwnData(v);
      return v;
    },
    async clearOwnData() {
      await db.delete('own', OWN_KEY);
    },
    async saveRun(run) {
      assertRunRecord(run);
      await db.put('runs', run);
    },
    async listRuns() {
      const all = await db.getAllFromIndex('runs', 'savedAt');
      return all.filter((r) => { try { assertRunRecord(r); return true; } catch { return false; } }).reverse();
    },
    async getRun(id) {
      const r = await db.get('runs', id);
      if (r !== undefined) assertRunRecord(r);
      return r;
    },
    async deleteRun(id) {
      await db.delete('runs', id);
    },
    close: () => db.close(),
  };
}
