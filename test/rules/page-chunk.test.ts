import { describe, expect, it } from 'vitest';
import { chunkFailureAction, RELOAD_AGAIN_AFTER_MS } from '../../web/admin/page-chunk';

const ENTRY = '/assets/index-CIAV3l_Z.js';
const NEW = '/assets/index-B9GRTQuP.js';
const NOW = Date.parse('2026-12-07T08:00:00Z');

describe("what a tab does when a page's code does not load", () => {
  it.each([
    ['the server has another build: reload onto it', { servedEntry: NEW }, 'reload'],
    ['the same build: the network dropped the chunk', { servedEntry: ENTRY }, 'explain'],
    ['the page could not be fetched, or names no entry script (a hotspot sign-in page)', { servedEntry: undefined }, 'explain'],
    ['no entry script found in this tab', { servedEntry: NEW, entryScript: undefined }, 'explain'],
    ['another build, but the tab reloaded toward another one seconds ago', { servedEntry: NEW, lastReload: { entry: '/assets/index-OTHER000.js', at: NOW - 5_000 } }, 'explain'],
    ['another build, the last reload (toward another one) a minute ago', { servedEntry: NEW, lastReload: { entry: '/assets/index-OTHER000.js', at: NOW - RELOAD_AGAIN_AFTER_MS } }, 'reload'],
    ['toward a build this tab already reloaded toward, however long ago (servers taking turns)', { servedEntry: NEW, lastReload: { entry: NEW, at: NOW - 3_600_000 } }, 'explain'],
    ['a remembered reload in the future (a clock set back), toward another build', { servedEntry: NEW, lastReload: { entry: '/assets/index-OTHER000.js', at: NOW + 3_600_000 } }, 'reload'],
  ] as const)('%s', (_, failure, action) => {
    expect(chunkFailureAction({ entryScript: ENTRY, lastReload: undefined, now: NOW, ...failure })).toBe(action);
  });
});
