/**
 * The app's single crypto worker pool (created on first use) and what the UI asks of it: the
 * start-page self-test and the "measure this device" benchmark.
 * @module
 */
import { createCryptoPool, type CryptoPool } from '../../workers/pool';
import { runCryptoSelfTest, type CryptoSelfTestResult } from '../../workers/selftest';
import type { OpTimes } from '../ui/logic/cost-model';

let shared: CryptoPool | undefined;

/** The app-wide pool; recreated if a previous one was terminated. */
export function appPool(): CryptoPool {
  if (!shared || shared.terminated) shared = createCryptoPool();
  return shared;
}

/** Runs the encrypt → add → decrypt self-test in the worker pool (512-bit key: fast on phones). */
export function selfTest(bits = 512): Promise<CryptoSelfTestResult> {
  return runCryptoSelfTest(appPool(), bits);
}

/** Key sizes the "measure this device" benchmark covers (the seed demo's three). */
export const BENCH_BITS = [512, 1024, 2048] as const;

/**
 * Median encrypt / add / decrypt milliseconds at `bits` on this device, measured in one worker.
 * @throws Error if the worker reports no row for an operation
 */
export async function measureDevice(bits: number, reps = 5): Promise<OpTimes> {
  const rows = await appPool().benchmark({ bits, ops: ['encrypt', 'add', 'decrypt'], reps, keygenReps: 1 });
  const ms = (op: string): number => {
    const row = rows.find((r) => r.op === op);
    if (!row || !Number.isFinite(row.msPerOp)) throw new Error(`benchmark: no ${op} result for ${bits} bits`);
    return row.msPerOp;
  };
  return { bits, encrypt: ms('encrypt'), add: ms('add'), decrypt: ms('decrypt') };
}
