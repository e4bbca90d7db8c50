import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  afterEach(() => vi.useRealTimers());

  it('is the prefix, an underscore and 28 lowercase hex digits, unique per call', () => {
    const ids = Array.from({ length: 1000 }, () => newId('ds'));
    for (const id of ids) expect(id).toMatch(/^ds_[\da-f]{28}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts by creation time', () => {
    vi.useFakeTimers();
    const ids: string[] = [];
    // Includes a jump where the hex timestamp gains a digit's worth of magnitude (0x0fffffffff -> 0x1000000000).
    for (const time of [0x0fffffffff, 0x1000000000, Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1) + 1, Date.UTC(2100, 0, 1)]) {
      vi.setSystemTime(time);
      ids.push(newId('run'));
    }
    expect([...ids].reverse().sort()).toEqual(ids);
    expect(ids[2]?.slice(4, 16)).toBe(Date.UTC(2024, 0, 1).toString(16).padStart(12, '0'));
  });
});
