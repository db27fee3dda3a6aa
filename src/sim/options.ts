/**
 * Command-line options shared by `npm run sim` and `npm run swarm` (BRIEF §7), with defaults and
 * strict validation: an unknown option, a missing value or an invalid one throws an Error whose
 * message names the option (the scripts print it and exit non-zero).
 * @module
 */
import type { BudgetStrategy, DatasetName, KeyBits, ProtocolName, RunConfig } from './contract';

/** Defaults of every option (k = 20 and 10 key holders follow the seed demo). */
export const DEFAULT_RUN_CONFIG: Readonly<RunConfig> = Object.freeze({
  protocol: 'chiaroscuro',
  dataset: 'lcl',
  participants: 180,
  seriesPerParticipant: 1,
  k: 20,
  iterations: 10,
  epsilon: 1,
  strategy: 'uniform',
  smoothing: 1,
  keyBits: 0,
  seed: 1,
  population: 0, // 0 = same as participants (resolved by parseRunOptions)
  privateInertia: 0,
  churn: 0,
  loss: 0,
  neighbors: 8,
});

/** Option name → RunConfig key. */
const FLAGS: Record<string, keyof RunConfig | 'json'> = {
  '--protocol': 'protocol',
  '--dataset': 'dataset',
  '--participants': 'participants',
  '--series-per-participant': 'seriesPerParticipant',
  '--k': 'k',
  '--iterations': 'iterations',
  '--epsilon': 'epsilon',
  '--strategy': 'strategy',
  '--smoothing': 'smoothing',
  '--key-bits': 'keyBits',
  '--seed': 'seed',
  '--population': 'population',
  '--churn': 'churn',
  '--loss': 'loss',
  '--neighbors': 'neighbors',
  '--private-inertia': 'privateInertia',
  '--json': 'json',
};

/** Usage text listing every option. */
export const RUN_OPTIONS_USAGE = `Options:
  --protocol chiaroscuro|ppkm      protocol (default chiaroscuro)
  --dataset lcl|tumor|italy|F.csv  data (default lcl)
  --participants N                 participants (default 180)
  --series-per-participant L       series per participant (default 1)
  --k K                            initial centroids (default 20)
  --iterations I                   iteration cap (default 10)
  --epsilon E                      total privacy budget (default 1)
  --strategy uniform|geometric     budget allocation (default uniform)
  --smoothing W                    moving-average window, 1 = off (default 1)
  --key-bits 0|512|1024|2048       Paillier modulus, 0 = plain arithmetic (default 0)
  --seed S                         simulation seed (default 1)
  --population P                   population the DP noise is calibrated for, P ≥ N (default N)
  --private-inertia F              share of each iteration's ε for a private inertia estimate (0..0.5, default 0)
  --churn F                        fraction of participants leaving during the run (default 0)
  --loss F                         message loss probability (default 0)
  --neighbors D                    overlay degree (default 8)
  --json FILE                      write the machine-readable result`;

function int(name: string, v: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(v)) throw new Error(`${name}: expected an integer, got '${v}'`);
  const x = Number(v);
  if (!Number.isSafeInteger(x) || x < min || x > max) throw new Error(`${name}: must be an integer in [${min}, ${max}], got ${v}`);
  return x;
}

function num(name: string, v: string, ok: (x: number) => boolean, range: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new Error(`${name}: must be a number ${range}, got '${v}'`);
  return x;
}

/**
 * Parses argv (without the node/script entries) into a full RunConfig plus `json`.
 * @throws Error with a message naming the offending option
 */
export function parseRunOptions(argv: readonly string[]): RunConfig & { json?: string } {
  const cfg: RunConfig & { json?: string } = { ...DEFAULT_RUN_CONFIG };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let name = arg;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      name = arg.slice(0, eq);
      value = arg.slice(eq + 1);
    }
    const key = FLAGS[name];
    if (!key) throw new Error(`unknown option '${arg}'\n${RUN_OPTIONS_USAGE}`);
    if (seen.has(name)) throw new Error(`${name}: given twice`);
    seen.add(name);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new Error(`${name}: missing value`);
    }
    switch (key) {
      case 'protocol':
        if (value !== 'chiaroscuro' && value !== 'ppkm') throw new Error(`--protocol: expected chiaroscuro or ppkm, got '${value}'`);
        cfg.protocol = value as ProtocolName;
        break;
      case 'dataset':
        if (!['lcl', 'tumor', 'italy'].includes(value) && !/\.csv$/i.test(value)) {
          throw new Error(`--dataset: expected lcl, tumor, italy or a .csv path, got '${value}'`);
        }
        cfg.dataset = value as DatasetName;
        break;
      case 'strategy':
        if (value !== 'uniform' && value !== 'geometric') throw new Error(`--strategy: expected uniform or geometric, got '${value}'`);
        cfg.strategy = value as BudgetStrategy;
        break;
      case 'keyBits': {
        const b = int(name, value, 0, 4096);
        if (![0, 512, 1024, 2048].includes(b)) throw new Error(`--key-bits: expected 0, 512, 1024 or 2048, got ${value}`);
        cfg.keyBits = b as KeyBits;
        break;
      }
      case 'participants': cfg.participants = int(name, value, 1, 10_000_000); break;
      case 'seriesPerParticipant': cfg.seriesPerParticipant = int(name, value, 1, 100_000); break;
      case 'k': cfg.k = int(name, value, 1, 1000); break;
      case 'iterations': cfg.iterations = int(name, value, 1, 1000); break;
      case 'smoothing': cfg.smoothing = int(name, value, 1, 1000); break;
      case 'seed': cfg.seed = int(name, value, 0, 0xffffffff); break;
      case 'population': cfg.population = int(name, value, 1, Number.MAX_SAFE_INTEGER); break;
      case 'neighbors': cfg.neighbors = int(name, value, 1, 1000); break;
      case 'epsilon': cfg.epsilon = num(name, value, (x) => x > 0, '> 0'); break;
      case 'privateInertia': cfg.privateInertia = num(name, value, (x) => x >= 0 && x <= 0.5, 'in [0, 0.5]'); break;
      case 'churn': cfg.churn = num(name, value, (x) => x >= 0 && x < 1, 'in [0, 1)'); break;
      case 'loss': cfg.loss = num(name, value, (x) => x >= 0 && x < 1, 'in [0, 1)'); break;
      case 'json':
        if (value.trim() === '') throw new Error('--json: empty file name');
        cfg.json = value;
        break;
    }
  }
  if (cfg.population === 0) cfg.population = cfg.participants;
  if (cfg.population < cfg.participants) {
    throw new Error(`--population: must be ≥ --participants (${cfg.participants}), got ${cfg.population}`);
  }
  return cfg;
}
