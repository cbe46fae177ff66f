import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithFixture, type Fixture } from '../support/fixture';
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

/** /c/<村名>: the address printed under a village's QR code, typed with a phone's Chinese input. */
describe.each(DRIVERS)('the short address /c/<村名> on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
  }, 60_000);
  afterAll(() => server?.close());

  const target = async (path: string) => {
    const response = await server.fetch(path, { redirect: 'manual' });
    await response.arrayBuffer();
    return { status: response.status, location: response.headers.get('location') };
  };
  const village = () => fixture.a.rows.villages[0] as { id: string; name: string };
  /** a village of the other township whose name the first one does not have */
  const otherTownships = () => {
    const names = new Set(fixture.a.rows.villages.map((v) => v.name));
    return fixture.b.rows.villages.find((v) => !names.has(v.name)) as { id: string; name: string };
  };

  it('opens the village page by its name, in the path (percent-encoded, as a browser sends it) or on the township host', async () => {
    const { id, name } = village();
    expect(await target(`/t/alpha/c/${encodeURIComponent(name)}`)).toEqual({ status: 302, location: `/village?t=alpha&v=${id}` });
    expect(await target(`http://alpha.xingping.test/c/${encodeURIComponent(name)}`)).toEqual({ status: 302, location: `/village?v=${id}` });
    // typed with a stray space from the phone's input method
    expect(await target(`/t/alpha/c/${encodeURIComponent(` ${name}\u3000`)}`)).toEqual({ status: 302, location: `/village?t=alpha&v=${id}` });
  });

  it('does not resolve across townships: another township\'s village name is unknown here', async () => {
    const other = otherTownships();
    expect(other).toBeDefined();
    const path = `/t/alpha/c/${encodeURIComponent(other.name)}`;
    expect(await target(path)).toEqual({ status: 302, location: `/village?${new URLSearchParams({ t: 'alpha', name: other.name })}` });
    expect((await target(`http://alpha.xingping.test/c/${encodeURIComponent(other.name)}`)).location).not.toContain(other.id);
    // and in its own township it does
    expect(await target(`/t/beta/c/${encodeURIComponent(other.name)}`)).toEqual({ status: 302, location: `/village?t=beta&v=${other.id}` });
  });

  it.each([
    // an unknown name opens the township's list of villages, which says the name was not found
    ['/t/alpha/c/%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AA%E6%9D%91', `/village?${new URLSearchParams({ t: 'alpha', name: '没有这个村' })}`],
    ['/t/alpha/c', '/village?t=alpha'],
    ['/t/alpha/c/', '/village?t=alpha'],
    ['http://alpha.xingping.test/c', '/village'],
    // a name that is SQL, a path or a script is only ever a name
    ["/t/alpha/c/'%20OR%201%3D1%20--", `/village?${new URLSearchParams({ t: 'alpha', name: "' OR 1=1 --" })}`],
    ['/t/alpha/c/%2F%2Fevil.example', `/village?${new URLSearchParams({ t: 'alpha', name: '//evil.example' })}`],
  ])('%s → %s', async (path, location) => {
    expect(await target(path)).toEqual({ status: 302, location });
  });

  it('carries at most 40 characters of a long unknown name back to the page', async () => {
    const { location } = await target(`/t/alpha/c/${encodeURIComponent('村'.repeat(500))}`);
    expect(new URL(location!, 'http://x').searchParams.get('name')).toBe('村'.repeat(40));
  });

  it('answers an unknown township with a 404 problem in the user\'s language', async () => {
    const response = await server.fetch('/t/nosuch/c/%E9%9D%96%E5%BA%84', { redirect: 'manual', headers: { 'accept-language': 'zh-CN' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'error.tenant_not_found' });
  });
});
