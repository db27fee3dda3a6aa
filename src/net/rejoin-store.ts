/**
 * The tab's {@link RejoinStore} in sessionStorage: it survives a reload of this tab and nothing else
 * (not a new tab, not the browser closing), which is exactly the lifetime of a round membership. A
 * key holder's share is kept here because the dealer erased its copy; it never leaves the tab.
 * @module
 */
import type { RejoinState, RejoinStore } from './session';

const key = (round: string): string => `chiaroscuro-rejoin-${round}`;

/** A store over `storage` (default: this tab's sessionStorage). Unparsable entries read as absent. */
export function sessionRejoinStore(storage: Pick<Storage, 'getItem' | 'setItem'> = sessionStorage): RejoinStore {
  return {
    load(round) {
      // The session validates every field; here only the JSON itself.
      try { return JSON.parse(storage.getItem(key(round)) ?? 'null') as RejoinState | null; } catch { return null; }
    },
    save(state) { storage.setItem(key(state.round), JSON.stringify(state)); },
  };
}
