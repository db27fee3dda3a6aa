/**
 * The tab's {@link RejoinStore} in sessionStorage: it survives a reload of this tab and nothing else
 * (not a new tab, not the browser closing), which is exactly the lifetime of a round membership. A
 * key holder's share is kept here because the dealer erased its copy; it never leaves the tab.
 * @module
 */
import type { RejoinState, RejoinStore } from '../net/session';

const key = (round: string): string => `chiaroscuro-rejoin-${round}`;

/** A store over `storage` (default: this tab's sessionStorage). Malformed entries read as absent. */
export function sessionRejoinStore(storage: Pick<Storage, 'getItem' | 'setItem'> = sessionStorage): RejoinStore {
  return {
    load(round) {
      const raw = storage.getItem(key(round));
      if (!raw) return null;
      try {
        const v = JSON.parse(raw) as Partial<RejoinState> | null;
        if (!v || v.round !== round || typeof v.id !== 'string') return null;
        const s = v.share;
        const share = s && Number.isSafeInteger(s.index) && typeof s.secret === 'string' ? { index: s.index, secret: s.secret } : undefined;
        return { round, id: v.id, ...(share ? { share } : {}) };
      } catch { return null; }
    },
    save(state) { storage.setItem(key(state.round), JSON.stringify(state)); },
  };
}
