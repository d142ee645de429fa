import { describe, expect, it } from 'vitest';
import { formatElapsed } from './progress.js';

describe('formatElapsed', () => {
  it('shows minutes and seconds, and hours once a run passes one', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(7_900)).toBe('0:07');
    expect(formatElapsed(421_000)).toBe('7:01');
    expect(formatElapsed(3_600_000 + 65_000)).toBe('1:01:05');
  });
});
