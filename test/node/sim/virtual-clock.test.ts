import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VirtualClock } from '../../../src/sim/virtual-clock';

// Delays from a small set make equal times (ties broken by insertion order) frequent.
const delay = fc.oneof(fc.constantFrom(0, 1, 2, 5), fc.double({ min: 0, max: 10, noNaN: true }));
const op = fc.record({ delay, post: fc.boolean(), cancel: fc.boolean(), child: fc.option(delay, { nil: undefined }) });

describe('VirtualClock event order', () => {
  it('fires every live event once, in (time, insertion) order, never a cancelled one', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 300 }), async (ops) => {
      const clock = new VirtualClock();
      const fired: { time: number; id: number }[] = [];
      const cancelled = new Set<number>();
      let nextId = 0;
      const schedule = (d: number, post: boolean, child: number | undefined): { id: number; cancel?: () => void } => {
        const id = nextId++;
        const fire = (): void => {
          fired.push({ time: clock.now(), id });
          if (child !== undefined) schedule(child, !post, undefined);
        };
        if (post) {
          clock.post(d, { receive: (a, b) => { expect([a, b]).toEqual([id, 'x']); fire(); } }, id, 'x');
          return { id };
        }
        return { id, cancel: clock.setTimer(d, fire) };
      };
      for (const o of ops) {
        const ev = schedule(o.delay, o.post, o.child);
        if (o.cancel && ev.cancel) { ev.cancel(); cancelled.add(ev.id); }
      }
      await clock.run();
      for (let i = 1; i < fired.length; i++) {
        const a = fired[i - 1]!, b = fired[i]!;
        expect(a.time < b.time || (a.time === b.time && a.id < b.id)).toBe(true);
      }
      const ids = fired.map((f) => f.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.some((id) => cancelled.has(id))).toBe(false);
      expect(fired.length + cancelled.size).toBe(nextId);
      expect(clock.scheduled).toBe(0);
    }), { numRuns: 200, seed: 7 });
  });
});
