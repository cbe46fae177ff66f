import { describe, expect, it } from 'vitest';
import { backgroundWork } from './background';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('backgroundWork: what a request leaves running, waited for by a stop', () => {
  it('settles once every piece of work is done, work started by work included, and a failure does not stop the wait', async () => {
    const background = backgroundWork();
    const done: string[] = [];
    background.context.waitUntil(later(20).then(() => void done.push('seal')));
    background.context.waitUntil(Promise.reject(new Error('a failed seal is logged where it runs')));
    background.context.waitUntil(
      later(5).then(() => {
        done.push('first');
        background.context.waitUntil(later(30).then(() => void done.push('started by the first')));
      }),
    );
    await background.settled();
    expect(done.sort()).toEqual(['first', 'seal', 'started by the first']);
  });

  it('settles at once with nothing running', async () => {
    await expect(backgroundWork().settled()).resolves.toBeUndefined();
  });
});
