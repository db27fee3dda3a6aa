/**
 * Vitest globalSetup of the browser project: starts `scripts/signal.ts` (PeerJS server) as a child
 * process on a free port (in-process it keeps timers alive and delays exit) and provides its port to
 * browser tests as `inject('signalPort')`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext { signalPort: number; signalPath: string }
}

let child: ChildProcess | undefined;

export default async function setup(project: TestProject): Promise<() => void> {
  const script = fileURLToPath(new URL('../../../scripts/signal.ts', import.meta.url));
  child = spawn(process.execPath, ['--import', 'tsx', script, '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`signal server did not start: ${out}`)), 20_000);
    child!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening [^:]+:(\d+) /.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child!.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    child!.on('exit', (code) => { clearTimeout(timer); reject(new Error(`signal server exited (${code}): ${out}`)); });
  });
  project.provide('signalPort', port);
  project.provide('signalPath', '/peerjs');
  return () => { child?.kill('SIGTERM'); };
}
