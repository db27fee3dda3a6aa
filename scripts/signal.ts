/**
 * `npm run signal -- [--host H] [--port P] [--path /peerjs]`: the PeerJS signalling server alone, for
 * a static deployment of `npm run build`. Prints `listening host:port path` when ready.
 */
import { startSignalServer } from './lib/signal-server';

function parse(argv: string[]): { host: string; port: number; path: string } {
  const out = { host: '127.0.0.1', port: 9000, path: '/peerjs' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--host': out.host = value(); break;
      case '--port': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`--port must be an integer in [0, 65535], got ${v}`);
        out.port = Number(v);
        break;
      }
      case '--path': out.path = value(); break;
      case '--help': case '-h':
        console.log('usage: npm run signal -- [--host 127.0.0.1] [--port 9000] [--path /peerjs]\n  use --host 0.0.0.0 to accept other machines');
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${a} (try --help)`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const opts = parse(process.argv.slice(2));
  const server = await startSignalServer(opts);
  console.log(`listening ${server.host}:${server.port} ${server.path}`);
  const stop = (): void => { void server.close().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`signal: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
