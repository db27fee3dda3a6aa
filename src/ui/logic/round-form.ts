/**
 * Validation of the "create a round" form into a RunConfig (BRIEF §7). Pure: the form element shows
 * the per-field messages next to each input.
 * @module
 */
import type { BudgetStrategy, KeyBits, ProtocolName, RunConfig } from '../../sim/contract';

/** Raw form values as strings (what inputs hold). */
export type RoundFormValues = Record<
  'useCase' | 'protocol' | 'k' | 'epsilon' | 'population' | 'dropout' | 'strategy' | 'smoothing' | 'keyBits' | 'iterations' | 'seriesPerParticipant',
  string
>;

/** Defaults shown when the form opens (the seed demo: 600 participants for 3·10^6 people, ε = 1). */
export const DEFAULT_ROUND_FORM: RoundFormValues = {
  useCase: 'lcl',
  protocol: 'chiaroscuro',
  k: '8',
  epsilon: '1',
  population: '1000',
  dropout: '10',
  strategy: 'uniform',
  smoothing: '1',
  keyBits: '1024',
  iterations: '5',
  seriesPerParticipant: '30',
};

/** Either a valid config or one message per invalid field. */
export type RoundFormResult =
  | { ok: true; config: RunConfig }
  | { ok: false; errors: Partial<Record<keyof RoundFormValues, string>> };

function int(raw: string, min: number, max: number, what: string): number | string {
  const s = raw.trim();
  if (!/^[0-9]+$/.test(s)) return `${what} must be a whole number`;
  const v = Number(s);
  if (v < min || v > max) return `${what} must be between ${min} and ${max}`;
  return v;
}

/** Validates every field; a CSV use case becomes dataset `own.csv` (each tab brings its own file). */
export function validateRoundForm(v: RoundFormValues, seed: number): RoundFormResult {
  const errors: Partial<Record<keyof RoundFormValues, string>> = {};
  const useCases: Record<string, RunConfig['dataset']> = { lcl: 'lcl', tumor: 'tumor', csv: 'own.csv' };
  const dataset = useCases[v.useCase];
  if (!dataset) errors.useCase = 'Choose electricity, tumour growth or your own CSV';
  if (v.protocol !== 'chiaroscuro' && v.protocol !== 'ppkm') errors.protocol = 'Choose Chiaroscuro or PPkM';
  if (v.strategy !== 'uniform' && v.strategy !== 'geometric') errors.strategy = 'Choose uniform or geometric';
  const keyBits = Number(v.keyBits);
  if (![512, 1024, 2048].includes(keyBits)) errors.keyBits = 'Key size must be 512, 1024 or 2048 bits';
  const k = int(v.k, 2, 50, 'k');
  const iterations = int(v.iterations, 1, 30, 'Iterations');
  const smoothing = int(v.smoothing, 1, 12, 'Smoothing window');
  const population = int(v.population, 2, 100_000_000, 'Population');
  const L = int(v.seriesPerParticipant, 1, 365, 'Series per participant');
  const dropout = int(v.dropout, 0, 50, 'Expected dropout');
  const eps = Number(v.epsilon.trim());
  if (v.epsilon.trim() === '' || !Number.isFinite(eps) || eps <= 0 || eps > 100) errors.epsilon = 'ε must be a number above 0 and at most 100';
  for (const [key, val] of [['k', k], ['iterations', iterations], ['smoothing', smoothing], ['population', population], ['seriesPerParticipant', L], ['dropout', dropout]] as const) {
    if (typeof val === 'string') errors[key] = val;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: {
      protocol: v.protocol as ProtocolName,
      dataset: dataset!,
      participants: 0, // the swarm fills this in: tabs that actually join
      seriesPerParticipant: L as number,
      k: k as number,
      iterations: iterations as number,
      epsilon: eps,
      strategy: v.strategy as BudgetStrategy,
      smoothing: smoothing as number,
      keyBits: keyBits as KeyBits,
      seed,
      population: population as number,
      // A real round's expected dropout (the noise shares are sized for it; see DROPOUT_HELP).
      churn: (dropout as number) / 100,
      loss: 0,
      neighbors: 6,
    },
  };
}

/** Plain-language help shown next to ε. */
export const EPSILON_HELP =
  'ε (epsilon) is the privacy budget for the whole run. Smaller ε means more noise: nobody can tell from the ' +
  'profiles whether your data was included, but the profiles are blurrier. The noise is calibrated for the ' +
  'population you enter: the larger the population, the less the noise hurts the profiles.';

/** Plain-language help shown next to the expected dropout. */
export const DROPOUT_HELP =
  'Percentage of participants who may leave (close their tab) during the round without stopping it. The noise ' +
  'is shared out so that the participants who stay still protect everyone; if more leave, the round stops rather ' +
  'than publish under-protected profiles. A larger margin costs a little more noise.';

/** Plain-language help shown next to the key size. */
export const KEY_HELP =
  'Key size of the homomorphic encryption protecting your numbers while they are added up. 2048 bits is the ' +
  'recommended security level; 1024 is faster for demos; 512 is only for quick tests — not safe against a determined attacker.';
