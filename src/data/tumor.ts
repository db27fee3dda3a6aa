/**
 * Synthetic tumour-growth curves (the health use case), from the tumour growth-inhibition model of
 * Claret et al.: y(t) = y0 · exp(KL·t − (KD/λ)·(1 − e^(−λt))), t in weeks, y = sum of longest
 * diameters in mm. KL is the growth rate, KD the drug-induced decay rate, λ the rate at which the
 * drug effect fades (resistance). Parameters are log-normal across patients.
 *
 * Default values follow the design brief, after L. Claret et al., "Model-based prediction of phase
 * III overall survival in colorectal cancer on the basis of phase II tumor dynamics", J. Clin.
 * Oncol. 27(25):4103–4108, 2009, and L. Claret et al., "Evaluation of tumor-size response metrics to
 * predict overall survival in Western and Chinese patients with first-line metastatic colorectal
 * cancer", J. Clin. Oncol. 31(17):2110–2114, 2013.
 * @module
 */
import type { Rng } from '../core/rng';
import type { Dataset } from './types';

/** Kinetic parameters of one patient (rates per week) and one series' baseline (mm). */
export interface TumorParams {
  /** Baseline size y(0), mm. */
  y0: number;
  /** Growth rate, 1/week. */
  KL: number;
  /** Drug-induced decay rate, 1/week. */
  KD: number;
  /** Resistance (decay of the drug effect), 1/week. */
  lambda: number;
}

/** Generator settings; every field has a default in {@link TUMOR_DEFAULTS}. */
export interface TumorOptions {
  /** Series per patient (lesions sharing the patient's kinetics), default 1. */
  seriesPerPatient?: number;
  /** Weekly values per series, t = 0 … weeks − 1 (default 20). */
  weeks?: number;
  /** Median baseline, mm (default 80: the brief's 60–100 mm is roughly the interquartile range). */
  y0Median?: number;
  /** Between-series log-SD of the baseline (default 0.3). */
  y0LogSd?: number;
  /** Median KL, 1/week (default 0.015). */
  klMedian?: number;
  /** Median KD, 1/week (default 0.058). */
  kdMedian?: number;
  /** Median λ, 1/week (default 0.042). */
  lambdaMedian?: number;
  /** Between-patient log-SD of KL, KD and λ (default 0.6; the brief's range is 0.5–0.75). */
  rateLogSd?: number;
  /** Additive Gaussian measurement noise SD, mm (default 15). */
  noiseSd?: number;
  /** Public upper clipping bound, mm (default 300); values are clipped to [0, hi]. */
  hi?: number;
}

/** Default generator settings (see {@link TumorOptions} for meaning and units). */
export const TUMOR_DEFAULTS: Readonly<Required<TumorOptions>> = Object.freeze({
  seriesPerPatient: 1,
  weeks: 20,
  y0Median: 80,
  y0LogSd: 0.3,
  klMedian: 0.015,
  kdMedian: 0.058,
  lambdaMedian: 0.042,
  rateLogSd: 0.6,
  noiseSd: 15,
  hi: 300,
});

/** Noise-free model value at week `t`. */
export function tumorCurve(p: TumorParams, t: number): number {
  return p.y0 * Math.exp(p.KL * t - (p.KD / p.lambda) * (1 - Math.exp(-p.lambda * t)));
}

/** Standard normal draw (Box–Muller, one draw per call so the stream stays simple to reason about). */
function gaussian(rng: Rng): number {
  const u1 = 1 - rng.nextFloat(); // (0, 1]: log is finite
  const u2 = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function positive(name: string, v: number): void {
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new RangeError(`generateTumorDataset: ${name} must be a positive finite number, got ${v}`);
  }
}

function resolve(opts: TumorOptions): Required<TumorOptions> {
  const o = { ...TUMOR_DEFAULTS, ...opts };
  for (const k of ['y0Median', 'klMedian', 'kdMedian', 'lambdaMedian', 'hi'] as const) positive(k, o[k]);
  for (const k of ['y0LogSd', 'rateLogSd', 'noiseSd'] as const) {
    if (!(Number.isFinite(o[k]) && o[k] >= 0)) {
      throw new RangeError(`generateTumorDataset: ${k} must be a finite number ≥ 0, got ${o[k]}`);
    }
  }
  for (const k of ['seriesPerPatient', 'weeks'] as const) {
    if (!Number.isSafeInteger(o[k]) || o[k] < 1) {
      throw new RangeError(`generateTumorDataset: ${k} must be a positive integer, got ${o[k]}`);
    }
  }
  return o;
}

/** Draws one patient's kinetic parameters (KL, KD, λ) and a baseline. */
export function sampleTumorParams(rng: Rng, opts: TumorOptions = {}): TumorParams {
  const o = resolve(opts);
  return {
    y0: o.y0Median * Math.exp(o.y0LogSd * gaussian(rng)),
    KL: o.klMedian * Math.exp(o.rateLogSd * gaussian(rng)),
    KD: o.kdMedian * Math.exp(o.rateLogSd * gaussian(rng)),
    lambda: o.lambdaMedian * Math.exp(o.rateLogSd * gaussian(rng)),
  };
}

/**
 * Generates `patients` owners (`patient-0001`, …), each with `seriesPerPatient` series of `weeks`
 * weekly sizes in mm. A patient's series share KL, KD and λ; each series draws its own baseline and
 * noise. Values are clipped to [0, hi]. Deterministic for a given `rng` state (use `seededRng`).
 * @throws RangeError on a non-positive patient count or invalid options.
 */
export function generateTumorDataset(rng: Rng, patients: number, opts: TumorOptions = {}): Dataset {
  if (!Number.isSafeInteger(patients) || patients < 1) {
    throw new RangeError(`generateTumorDataset: patients must be a positive integer, got ${patients}`);
  }
  const o = resolve(opts);
  const width = String(Math.max(patients, 1000)).length;
  const owners: Dataset['owners'] = [];
  for (let p = 0; p < patients; p++) {
    const kin = sampleTumorParams(rng, o);
    const series: Float64Array[] = [];
    for (let s = 0; s < o.seriesPerPatient; s++) {
      // The first series keeps the patient's baseline draw; further lesions draw their own.
      const params = s === 0 ? kin : { ...kin, y0: o.y0Median * Math.exp(o.y0LogSd * gaussian(rng)) };
      const y = new Float64Array(o.weeks);
      for (let t = 0; t < o.weeks; t++) {
        const v = tumorCurve(params, t) + o.noiseSd * gaussian(rng);
        y[t] = Math.min(o.hi, Math.max(0, v));
      }
      series.push(y);
    }
    owners.push({ id: `patient-${String(p + 1).padStart(width, '0')}`, series });
  }
  return { name: 'tumor', T: o.weeks, lo: 0, hi: o.hi, unit: 'mm', owners };
}
