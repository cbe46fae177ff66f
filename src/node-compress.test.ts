import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipAnswer } from './node-compress';

const big = JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => ({ key: `q${i}`, text: '支部班子团结协作' })) });
const request = (headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br' }, method = 'GET') => new Request('http://x/api/y', { method, headers });
const json = (body: string, init: ResponseInit = {}) => new Response(body, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });

describe('gzipAnswer', () => {
  it('gzips a large answer, and gives the same bytes for the same text', async () => {
    const first = await gzipAnswer(request(), json(big, { status: 201, headers: { 'x-request-id': 'r1' } }));
    expect(first.status).toBe(201);
    expect(first.headers.get('content-encoding')).toBe('gzip');
    expect(first.headers.get('vary')).toBe('Accept-Encoding');
    expect(first.headers.get('x-request-id')).toBe('r1');
    const bytes = new Uint8Array(await first.arrayBuffer());
    expect(gunzipSync(bytes).toString()).toBe(big);
    const again = new Uint8Array(await (await gzipAnswer(request(), json(big))).arrayBuffer());
    expect(again).toEqual(bytes);
  });

  it.each(['gzip;q=0.5', '*', 'br, *;q=0.1'])('gzips for a client whose Accept-Encoding is %s', async (accepted) => {
    expect((await gzipAnswer(request({ 'accept-encoding': accepted }), json(big))).headers.get('content-encoding')).toBe('gzip');
  });

  it('leaves a small answer as it is, with its length (so hono/compress leaves it too)', async () => {
    const small = await gzipAnswer(request(), json('{"ok":true}'));
    expect(small.headers.get('content-encoding')).toBeNull();
    expect(small.headers.get('content-length')).toBe('11');
    expect(await small.text()).toBe('{"ok":true}');
  });

  it.each([
    ['a client that does not accept gzip', request({}), json(big)],
    ['a client that refuses gzip by its weight', request({ 'accept-encoding': 'gzip;q=0, identity' }), json(big)],
    ['a client that refuses everything but identity', request({ 'accept-encoding': 'identity, *;q=0' }), json(big)],
    ['a HEAD request', request(undefined, 'HEAD'), json(big)],
    ['an answer already encoded', request(), json(big, { headers: { 'content-encoding': 'br' } })],
    ['an answer marked no-transform', request(), json(big, { headers: { 'cache-control': 'no-store, no-transform' } })],
    ['a binary answer', request(), new Response(big, { headers: { 'content-type': 'application/zip' } })],
  ])('does not touch %s', async (_, req, res) => {
    expect(await gzipAnswer(req, res)).toBe(res);
  });
});
