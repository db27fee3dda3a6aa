/**
 * A standalone PeerJS signalling server (same URL layout as the Vite plugin), for static deployments
 * (`npm run build` served anywhere + `npm run signal`) and for tests (child process).
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { attachPeerServer, normalizeMountPath } from './peer-server-plugin';

/** Options of {@link startSignalServer}. */
export interface SignalServerOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  path: string;
}

/** A running signalling server. */
export interface SignalServer {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  close(): Promise<void>;
}

/** Starts the server; rejects with a clear message when the port is taken or the host is invalid. */
export async function startSignalServer(opts: SignalServerOptions): Promise<SignalServer> {
  const path = normalizeMountPath(opts.path);
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new RangeError(`signal: port must be an integer in [0, 65535], got ${opts.port}`);
  const mounts: Array<[string, (req: IncomingMessage, res: unknown, next: () => void) => void]> = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    for (const [prefix, fn] of mounts) {
      if (url === prefix || url.startsWith(prefix + '/') || url.startsWith(prefix + '?')) {
        req.url = url.slice(prefix.length) || '/';
        fn(req, res, () => { res.statusCode = 404; res.end('not found'); });
        return;
      }
    }
    res.statusCode = 404;
    res.end('Chiaroscuro signalling server: PeerJS endpoint is ' + path);
  });
  attachPeerServer(server, { use: (p, fn) => mounts.push([p, fn]) }, { path });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new Error(`signal: port ${opts.port} on ${opts.host} is already in use`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new Error(`signal: cannot listen on host ${opts.host} (${e.code})`));
      else reject(e);
    });
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    host: opts.host, port, path,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
