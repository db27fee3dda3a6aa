import { describe, expect, it } from 'vitest';
import { sessionRejoinStore } from '../../../src/net/rejoin-store';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => { m.set(k, v); }, m };
}

describe('sessionRejoinStore', () => {
  it('keeps one state per round and reads back what it saved', () => {
    const storage = memoryStorage();
    const store = sessionRejoinStore(storage);
    expect(store.load('r1')).toBeNull();
    store.save({ round: 'r1', id: 'cs-r1-a', share: { index: 2, secret: '12345' }, answered: [1, 2] });
    store.save({ round: 'r2', id: 'cs-r2-b' });
    expect(store.load('r1')).toEqual({ round: 'r1', id: 'cs-r1-a', share: { index: 2, secret: '12345' }, answered: [1, 2] });
    expect(store.load('r2')).toEqual({ round: 'r2', id: 'cs-r2-b' });
  });

  it('an unparsable entry reads as absent (the session validates the fields)', () => {
    const storage = memoryStorage();
    storage.setItem('chiaroscuro-rejoin-r1', '{not json');
    expect(sessionRejoinStore(storage).load('r1')).toBeNull();
  });
});

describe('validRejoinState (what a reloaded tab trusts from its storage)', () => {
  it('keeps valid fields, drops malformed ones, refuses another round or a bad id', async () => {
    const { validRejoinState } = await import('../../../src/net/session');
    expect(validRejoinState(null, 'r')).toBeNull();
    expect(validRejoinState({ round: 'other', id: 'a' }, 'r')).toBeNull();
    expect(validRejoinState({ round: 'r', id: 'bad id!' }, 'r')).toBeNull();
    const ok = validRejoinState({
      round: 'r', id: 'cs-r-a', share: { index: 1, secret: 7 }, answered: [1, -2],
      start: { params: { nonsense: true }, members: ['a'] }, info: { protocol: 'x' },
    }, 'r');
    expect(ok).toEqual({ round: 'r', id: 'cs-r-a' });
    expect(validRejoinState({ round: 'r', id: 'a', share: { index: 2, secret: '99' }, answered: [1, 3] }, 'r'))
      .toEqual({ round: 'r', id: 'a', share: { index: 2, secret: '99' }, answered: [1, 3] });
  });
});
