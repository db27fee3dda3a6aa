import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCallPacer } from '../../../src/net/call-pacer';
import { manualClock } from './fakes';

describe('call pacer', () => {
  it('runs one call per timer task, urgent before lazy, FIFO within a priority, at least gapMs apart', () => {
    const clock = manualClock();
    const pacer = createCallPacer({ clock, gapMs: 10 });
    const ran: Array<[string, number]> = [];
    const call = (name: string) => () => { ran.push([name, clock.now()]); };
    pacer.run(call('close-1'), 'lazy', 'close');
    pacer.run(call('dial-1'), 'urgent', 'dial');
    pacer.run(call('dial-2'), 'urgent', 'dial');
    expect(ran).toEqual([]); // never synchronously
    expect(pacer.pending()).toBe(3);
    clock.advance(0);
    // Urgent calls go first even when queued after a lazy one.
    expect(ran).toEqual([['dial-1', 0]]);
    clock.advance(100);
    expect(ran).toEqual([['dial-1', 0], ['dial-2', 10], ['close-1', 20]]);
    expect(pacer.pending()).toBe(0);
    expect(pacer.stats().calls).toBe(3);
  });

  it('keeps urgent calls ahead of queued lazy ones', () => {
    const clock = manualClock();
    const pacer = createCallPacer({ clock, gapMs: 5 });
    const ran: string[] = [];
    pacer.run(() => ran.push('first'), 'urgent');
    clock.advance(0);
    pacer.run(() => ran.push('lazy'), 'lazy');
    pacer.run(() => ran.push('urgent'), 'urgent');
    clock.advance(50);
    expect(ran).toEqual(['first', 'urgent', 'lazy']);
  });

  it('a throwing call does not stop the queue; the slowest call is reported by label', () => {
    const clock = manualClock();
    const pacer = createCallPacer({ clock, gapMs: 1 });
    const ran: string[] = [];
    pacer.run(() => { throw new Error('closed'); }, 'urgent', 'boom');
    pacer.run(() => ran.push('slow'), 'urgent', 'slow');
    pacer.run(() => ran.push('after'), 'urgent', 'after');
    clock.advance(10);
    expect(ran).toEqual(['slow', 'after']);
    expect(pacer.stats().calls).toBe(3);
  });

  it('measures each call on the clock and names the slowest', () => {
    let t = 0;
    const timers: Array<() => void> = [];
    const clock = { now: () => t, setTimer: (_ms: number, fn: () => void) => { timers.push(fn); return () => {}; } };
    const pacer = createCallPacer({ clock, gapMs: 0 });
    pacer.run(() => { t += 3; }, 'urgent', 'construct');
    pacer.run(() => { t += 40; }, 'lazy', 'close');
    pacer.run(() => { t += 7; }, 'urgent', 'createOffer');
    while (timers.length) timers.shift()!();
    expect(pacer.stats()).toEqual({ calls: 3, slowestMs: 40, slowest: 'close' });
  });

  it('flush runs everything queued at once, in priority order', () => {
    const clock = manualClock();
    const pacer = createCallPacer({ clock, gapMs: 1000 });
    const ran: string[] = [];
    pacer.run(() => ran.push('a'), 'urgent');
    pacer.run(() => ran.push('z'), 'lazy');
    pacer.run(() => ran.push('b'), 'urgent');
    pacer.flush();
    expect(ran).toEqual(['a', 'b', 'z']);
    clock.advance(5000);
    expect(ran).toEqual(['a', 'b', 'z']); // the cancelled timer runs nothing twice
  });

  it('property: with jitter J every call waits between gap and gap + J after the previous one', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 2, maxLength: 20 }), (gap, jitter, draws) => {
      const clock = manualClock();
      let i = 0;
      const pacer = createCallPacer({ clock, gapMs: gap, jitterMs: jitter, random: () => draws[i++ % draws.length]! });
      const at: number[] = [];
      for (let k = 0; k < draws.length; k++) pacer.run(() => at.push(clock.now()), 'urgent');
      clock.advance(draws.length * (gap + jitter + 1));
      expect(at.length).toBe(draws.length);
      for (let k = 1; k < at.length; k++) {
        const d = at[k]! - at[k - 1]!;
        expect(d).toBeGreaterThanOrEqual(gap - 1e-9);
        expect(d).toBeLessThanOrEqual(gap + jitter + 1e-9);
      }
    }));
  });

  it('refuses bad options with the option named', () => {
    const clock = manualClock();
    expect(() => createCallPacer({ clock, gapMs: -1 })).toThrow(/gapMs/);
    expect(() => createCallPacer({ clock, gapMs: Number.NaN })).toThrow(/gapMs/);
    expect(() => createCallPacer({ clock, gapMs: 1, jitterMs: Infinity })).toThrow(/jitterMs/);
    expect(() => createCallPacer({ clock, gapMs: 1, jitterMs: 5 })).toThrow(/random source/);
  });
});
