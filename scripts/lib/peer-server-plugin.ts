/**
 * Embedded signalling: mounts a PeerJS server (npm `peer`, ExpressPeerServer) on Vite's own HTTP
 * server, in dev and in preview, so one port serves the app and its rendezvous.
 *
 * URL layout (identical to `npm run signal`): HTTP API under `<path>/` (e.g. `/peerjs/peerjs/id`),
 * WebSocket at `<path>/peerjs?key=peerjs&id=…&token=…`. Clients use
 * `{ host, port, path: '/peerjs', key: 'peerjs' }`.
 * @module
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { ExpressPeerServer } from 'peer';
import type { Plugin } from 'vite';

/** Options of {@link peerServerPlugin}. */
export interface PeerServerPluginOptions {
  /** Mount path, default `/peerjs`. Must start with `/` and not end with one. */
  path?: string;
  /** PeerJS API key, default `peerjs`. */
  key?: string;
  /** Max simultaneous clients, default 5000. */
  concurrentLimit?: number;
}

/** What {@link attachPeerServer} mounted; `clients()` lists connected peer ids (for diagnostics). */
export interface AttachedPeerServer {
  readonly path: string;
  clients(): string[];
}

type Middlewares = { use(path: string, fn: (req: IncomingMessage, res: unknown, next: () => void) => void): unknown };

/** Validates a mount path like `/peerjs`. */
export function normalizeMountPath(path: string): string {
  if (typeof path !== 'string') throw new TypeError('peer server: path must be a string');
  if (!/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(path)) {
    throw new RangeError(`peer server: path must look like /peerjs (got ${JSON.stringify(path)})`);
  }
  return path;
}

/**
 * Mounts a PeerJS server on an existing HTTP server + connect middleware stack.
 * Only WebSocket upgrades for `<path>/peerjs` are routed to it; every other upgrade (Vite HMR)
 * is left alone.
 */
export function attachPeerServer(httpServer: HttpServer, middlewares: Middlewares, opts: PeerServerPluginOptions = {}): AttachedPeerServer {
  const path = normalizeMountPath(opts.path ?? '/peerjs');
  // `ws` listens for 'upgrade' on whatever "server" it is given: give it a private emitter and forward
  // only our upgrades, with the mount prefix stripped so its own path check (`/peerjs`) matches.
  const upgrades = new EventEmitter();
  const connected = new Set<string>();
  const app = ExpressPeerServer(upgrades as unknown as HttpServer, {
    path: '/',
    key: opts.key ?? 'peerjs',
    concurrent_limit: opts.concurrentLimit ?? 5000,
    allow_discovery: false,
    // Signals to an unknown id (a wrong round link) come back as EXPIRE (the client's
    // 'peer-unavailable') after this long, instead of the default 5 s: joining fails fast.
    expire_timeout: 1000,
    cleanup_out_msgs: 250,
  });
  app.on('connection', (c) => connected.add(c.getId()));
  app.on('disconnect', (c) => connected.delete(c.getId()));
  app.on('error', () => { /* malformed client messages: the server drops them */ });
  // connect does not emit express's 'mount' (which starts the PeerJS server): emit it with a parent
  // that keeps the app's own prototypes.
  const own = app as unknown as Record<'request' | 'response' | 'engines' | 'settings', object>;
  app.emit('mount', {
    request: Object.getPrototypeOf(own.request), response: Object.getPrototypeOf(own.response),
    engines: Object.getPrototypeOf(own.engines), settings: Object.getPrototypeOf(own.settings),
  });
  middlewares.use(path, app as unknown as (req: IncomingMessage, res: unknown, next: () => void) => void);
  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    if (pathname !== `${path}/peerjs`) return;
    req.url = url.slice(path.length);
    upgrades.emit('upgrade', req, socket, head);
  });
  return { path, clients: () => [...connected] };
}

/** Vite plugin: PeerJS signalling on the dev and preview servers (same port as the app). */
export function peerServerPlugin(opts: PeerServerPluginOptions = {}): Plugin {
  return {
    name: 'chiaroscuro-peer-server',
    configureServer(server) {
      if (server.httpServer) attachPeerServer(server.httpServer as HttpServer, server.middlewares, opts);
    },
    configurePreviewServer(server) {
      if (server.httpServer) attachPeerServer(server.httpServer as HttpServer, server.middlewares, opts);
    },
  };
}
