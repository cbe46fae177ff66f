import { describe, expect, it } from 'vitest';
import { chunkFailureAction, RELOAD_AGAIN_AFTER_MS } from '../../web/admin/page-chunk';

const ENTRY = '/assets/index-CIAV3l_Z.js';
const page = (entry: string) => `<!doctype html><html><head><script type="module" crossorigin src="${entry}"></script></head></html>`;
const NOW = Date.parse('2026-12-07T08:00:00Z');

describe("what a tab does when a page's code does not load", () => {
  it.each([
    ['the server has another build: reload onto it', { servedPage: page('/assets/index-B9GRTQuP.js') }, 'reload'],
    ['the same build: the network dropped the chunk', { servedPage: page(ENTRY) }, 'explain'],
    ['the page could not be fetched either', { servedPage: undefined }, 'explain'],
    ['another build, but the tab reloaded for it seconds ago', { servedPage: page('/assets/index-B9GRTQuP.js'), lastReloadAt: NOW - 5_000 }, 'explain'],
    ['another build, the last such reload a minute ago', { servedPage: page('/assets/index-B9GRTQuP.js'), lastReloadAt: NOW - RELOAD_AGAIN_AFTER_MS }, 'reload'],
    ['another build, a remembered reload in the future (a clock set back)', { servedPage: page('/assets/index-B9GRTQuP.js'), lastReloadAt: NOW + 3_600_000 }, 'reload'],
    ['no entry script found in this tab', { servedPage: page('/assets/index-B9GRTQuP.js'), entryScript: undefined }, 'explain'],
  ] as const)('%s', (_, failure, action) => {
    expect(chunkFailureAction({ entryScript: ENTRY, lastReloadAt: undefined, now: NOW, ...failure })).toBe(action);
  });
});
