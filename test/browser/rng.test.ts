import { expect, it } from 'vitest';
import { secureRng } from '../../src/core/rng';

it('secureRng draws from crypto.getRandomValues in the browser', () => {
  const rng = secureRng();
  const draws = new Set(Array.from({ length: 1000 }, () => rng.nextUint32()));
  expect(draws.size).toBeGreaterThan(990);
  expect(typeof window).toBe('object');
});
