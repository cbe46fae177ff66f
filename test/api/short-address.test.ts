import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, startServer, type TestServer } from '../support/servers';

/** /v/<CODE>: the address a villager types from the big screen or a poster, short and without ?&=. */
describe.each(DRIVERS)('the short address /v/<CODE> on %s', (driver) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(driver);
  });
  afterAll(() => server?.close());

  const target = async (path: string) => {
    const response = await server.fetch(path, { redirect: 'manual' });
    await response.arrayBuffer();
    return { status: response.status, location: response.headers.get('location') };
  };

  it.each([
    ['/v/AB12CD', '/vote?c=AB12CD'],
    // typed on a phone keyboard: lower case, stray spaces and punctuation are forgiven
    ['/v/ab12cd', '/vote?c=AB12CD'],
    ['/v/AB%2012-CD', '/vote?c=AB12CD'],
    ['/t/alpha/v/AB12CD', '/vote?t=alpha&c=AB12CD'],
    // no code, or nothing usable: the page to type it
    ['/v', '/vote'],
    ['/v/', '/vote'],
    ['/v/%3F%26%3D', '/vote'],
    ['/t/alpha/v', '/vote?t=alpha'],
    // a made-up township slug is not carried into the page's address
    ['/t/Bad%20Slug!/v/AB12CD', '/vote?c=AB12CD'],
  ])('%s → %s', async (path, location) => {
    expect(await target(path)).toEqual({ status: 302, location });
  });

  it('carries nothing but the code: an injected URL or script goes nowhere', async () => {
    for (const path of ['/v/%2F%2Fevil.example', '/v/%3Cscript%3E', '/v/https%3A%2F%2Fevil.example%2Fx'])
      expect((await target(path)).location).toMatch(/^\/vote(\?c=[0-9A-Z]{0,12})?$/);
  });
});
