/**
 * Exports of the public profiles (final perturbed centroids) as CSV and JSON. Pure functions.
 * The CSV follows the app's import format (BRIEF §6): a header, then one profile per row, so an
 * exported file can be re-imported as a dataset.
 * @module
 */

function checkProfiles(fn: string, profiles: readonly (readonly number[])[]): number {
  const T = profiles[0]?.length ?? 0;
  profiles.forEach((p, i) => {
    if (p.length !== T) throw new RangeError(`${fn}: profile ${i} has ${p.length} values, expected ${T}`);
    p.forEach((v, t) => {
      if (!Number.isFinite(v)) throw new TypeError(`${fn}: profile ${i} value ${t} is not a finite number`);
    });
  });
  return T;
}

/** Shortest decimal that round-trips a double, so exports lose nothing. */
function num(v: number): string {
  return Object.is(v, -0) ? '0' : String(v);
}

/**
 * CSV with header `profile,t1,…,tT` and one row per profile (`profile` = 1-based number).
 * @throws RangeError on ragged profiles, TypeError on non-finite values
 */
export function profilesToCsv(profiles: readonly (readonly number[])[]): string {
  const T = checkProfiles('profilesToCsv', profiles);
  const header = ['profile', ...Array.from({ length: T }, (_, t) => `t${t + 1}`)].join(',');
  const rows = profiles.map((p, i) => [String(i + 1), ...p.map(num)].join(','));
  return [header, ...rows].join('\n') + '\n';
}

/** Metadata stored next to the profiles in a JSON export. */
export interface ExportMeta {
  protocol: string;
  dataset: string;
  k: number;
  epsilon: number;
  iterations: number;
  unit: string;
}

/**
 * Pretty JSON `{ format, meta, profiles }`.
 * @throws RangeError on ragged profiles, TypeError on non-finite values
 */
export function profilesToJson(profiles: readonly (readonly number[])[], meta: ExportMeta): string {
  checkProfiles('profilesToJson', profiles);
  return JSON.stringify({ format: 'chiaroscuro-profiles/1', meta, profiles }, null, 2) + '\n';
}
