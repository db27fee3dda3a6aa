/**
 * Hash routing: `#/`, `#/create`, `#/data`, `#/lab`, `#/lab/try`, `#/history`, `#/run/<id>`.
 * Anything else in the fragment (e.g. a join link's round id and secret) is handed over untouched,
 * so join links keep their secret out of the server's logs (fragments are never sent).
 * @module
 */

/** A parsed route. */
export type Route =
  | { view: 'start' | 'create' | 'data' | 'lab' | 'history' }
  | { view: 'lab'; autorun: true }
  | { view: 'run'; id: string }
  | { view: 'join'; fragment: string };

/** Parses `location.hash` (with or without the leading `#`). */
export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  if (h === '' || h === '/') return { view: 'start' };
  if (!h.startsWith('/')) return { view: 'join', fragment: h };
  const [, head = '', ...rest] = h.split('/');
  switch (head) {
    case 'create': case 'data': case 'history': return { view: head };
    case 'lab': return rest[0] === 'try' ? { view: 'lab', autorun: true } : { view: 'lab' };
    case 'run': {
      const id = decodeURIComponent(rest.join('/'));
      return id ? { view: 'run', id } : { view: 'history' };
    }
    default: return { view: 'start' };
  }
}

/** The hash for a route. */
export function routeHash(r: Route): string {
  switch (r.view) {
    case 'start': return '#/';
    case 'run': return `#/run/${encodeURIComponent(r.id)}`;
    case 'join': return `#${r.fragment}`;
    case 'lab': return 'autorun' in r ? '#/lab/try' : '#/lab';
    default: return `#/${r.view}`;
  }
}
