/**
 * End-to-end: `npm run swarm` with real tabs over real WebRTC, including the fault case of BRIEF:
 * 20 % of the tabs close mid-round and the rest still finish (key holders ≥ threshold remain).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/sim/contract';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function swarm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'scripts/swarm.ts'), ...args], { cwd: root, timeout: 170_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run swarm', () => {
  it('rejects invalid options with a clear message and a non-zero exit', async () => {
    const r = await swarm(['--tabs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--tabs: must be in \[2, 200\]/);
    const u = await swarm(['--tabs', '3', '--bogus', '1']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/unknown option '--bogus'/);
  });

  it('10 tabs over WebRTC with 2 tabs closed mid-round: the others finish with the same centroids', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'swarm-')), 'out.json');
    const r = await swarm(['--tabs', '10', '--dataset', 'italy', '--k', '3', '--iterations', '3', '--key-bits', '0',
      '--population', '100000', '--churn', '0.2', '--cycle-ms', '80', '--json', json]);
    expect(r.stderr + r.stdout).toMatch(/closed 2 tabs mid-round/);
    expect(r.code).toBe(0);
    const out = JSON.parse(readFileSync(json, 'utf8')) as RunResult & { swarm: { finishedTabs: number; closedTabs: number } };
    expect(out.transport).toBe('webrtc');
    expect(out.participants).toBe(10);
    expect(out.swarm.closedTabs).toBe(2);
    expect(out.swarm.finishedTabs).toBe(8);
    expect(out.iterations.length).toBeGreaterThanOrEqual(2);
    expect(out.final.epsilonSpent).toBeLessThanOrEqual(out.config.epsilon + 1e-9);
    expect(out.final.centroids.length).toBeGreaterThan(0);
    expect(Number.isFinite(out.final.inertia)).toBe(true);
    expect(out.iterations.every((it) => it.bytesPerParticipant > 0)).toBe(true);
  }, 180_000);
});
