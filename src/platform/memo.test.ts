import { describe, expect, it, vi } from 'vitest';
import { Memo } from './memo';

describe('Memo', () => {
  it('loads once per key while fresh, again after the ttl', async () => {
    const memo = new Memo();
    let loads = 0;
    const load = async () => ++loads;
    expect(await memo.get('k', 1000, load, 0)).toBe(1);
    expect(await memo.get('k', 1000, load, 999)).toBe(1);
    expect(await memo.get('k', 1000, load, 1000)).toBe(2);
  });

  it('shares one load among concurrent misses', async () => {
    const memo = new Memo();
    let loads = 0;
    const load = () => new Promise<number>((resolve) => setTimeout(() => resolve(++loads), 5));
    const values = await Promise.all([memo.get('k', 1000, load), memo.get('k', 1000, load), memo.get('k', 1000, load)]);
    expect(values).toEqual([1, 1, 1]);
    expect(loads).toBe(1);
  });

  it('does not wait forever on a load another request never settles (a cancelled request on Workers)', async () => {
    vi.useFakeTimers();
    try {
      const memo = new Memo();
      void memo.get('k', 1000, () => new Promise<string>(() => {}));
      const waiting = memo.get('k', 1000, async () => 'own');
      await vi.advanceTimersByTimeAsync(1000);
      expect(await waiting).toBe('own');
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    ['a failed load', () => Promise.reject(new Error('down'))],
    ['an empty load (not found)', () => Promise.resolve(undefined)],
  ])('does not keep %s', async (_, first) => {
    const memo = new Memo();
    await memo.get('k', 1000, first).catch(() => undefined);
    await Promise.resolve();
    expect(await memo.get('k', 1000, async () => 'fresh')).toBe('fresh');
  });

  it('forgets by prefix', async () => {
    const memo = new Memo();
    await memo.get('tenant:a', 1000, async () => 1);
    await memo.get('vote:a', 1000, async () => 2);
    memo.forget('tenant:');
    expect(await memo.get('tenant:a', 1000, async () => 3)).toBe(3);
    expect(await memo.get('vote:a', 1000, async () => 4)).toBe(2);
  });

  it('stays bounded: expired entries go first, then the oldest half', async () => {
    const memo = new Memo(4);
    for (let i = 0; i < 4; i++) await memo.get(`k${i}`, i < 2 ? 10 : 1000, async () => i, 0);
    await memo.get('k4', 1000, async () => 4, 20); // k0, k1 expired
    expect(memo.size).toBe(3);
    await memo.get('k5', 1000, async () => 5, 20);
    await memo.get('k6', 1000, async () => 6, 20); // full: the oldest half goes
    expect(memo.size).toBeLessThanOrEqual(4);
    expect(await memo.get('k6', 1000, async () => -1, 20)).toBe(6);
  });
});
