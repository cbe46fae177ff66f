import { describe, expect, it } from 'vitest';
import { HASHED_ASSET_CACHING, headersFile, MAX_HEADER_RULES } from './security-headers';

/** The rules of a `_headers` file: each unindented line that is not a comment, with the indented lines under it. */
function rules(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of file.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (line.startsWith(' ')) current.push(line.trim());
    else out.set(line, (current = []));
  }
  return out;
}

describe('the _headers file of the built pages', () => {
  it('keeps each hashed asset of the build a year by its own name, and nothing else', () => {
    const file = rules(headersFile(['abc='], ['/assets/vote-AbCd1234.js', '/assets/index-Xy_-5678.css']));
    expect([...file.keys()]).toEqual(['/*', '/assets/index-Xy_-5678.css', '/assets/vote-AbCd1234.js']);
    for (const asset of ['/assets/index-Xy_-5678.css', '/assets/vote-AbCd1234.js']) expect(file.get(asset)).toEqual([`Cache-Control: ${HASHED_ASSET_CACHING}`]);
    expect(file.get('/*')!.some((line) => line.startsWith('Cache-Control'))).toBe(false);
    expect(file.get('/*')).toContain("Content-Security-Policy: default-src 'self'; script-src 'self' 'sha256-abc='; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  });

  it.each([
    [MAX_HEADER_RULES - 1, true],
    [MAX_HEADER_RULES, false],
  ])('with %i hashed assets: written only within the rules Cloudflare reads', (count, fits) => {
    const assets = Array.from({ length: count }, (_, i) => `/assets/chunk${i}-AbCd1234.js`);
    if (fits) expect(rules(headersFile([], assets)).size).toBe(MAX_HEADER_RULES);
    else expect(() => headersFile([], assets)).toThrow(/101 rules .* at most 100/);
  });
});
