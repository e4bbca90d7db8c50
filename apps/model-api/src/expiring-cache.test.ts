import { describe, expect, it } from 'vitest';
import { ExpiringCache } from './expiring-cache.js';

describe('ExpiringCache', () => {
  it('loads once for a burst of callers and serves the value until it expires', async () => {
    let loads = 0;
    const cache = new ExpiringCache<string, number>(() => 50);
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return loads;
    };
    const values = await Promise.all(Array.from({ length: 100 }, () => cache.get('k', load)));
    expect(new Set(values)).toEqual(new Set([1]));
    expect(loads).toBe(1);
    expect(await cache.get('k', load)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await cache.get('k', load)).toBe(2);
  });

  it('does not keep a value whose load began before the key was deleted', async () => {
    const cache = new ExpiringCache<string, string>(() => 60_000);
    let release: (value: string) => void = () => undefined;
    const stale = cache.get('key', () => new Promise((resolve) => (release = resolve)));
    cache.delete('key');
    release('before revocation');
    expect(await stale).toBe('before revocation');
    expect(await cache.get('key', async () => 'after revocation')).toBe('after revocation');
  });
});
