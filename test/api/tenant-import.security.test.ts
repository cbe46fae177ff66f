import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partName } from '../../src/features/transfer/export';
import { createHash } from 'node:crypto';
import { readZip, ZipWriter } from '../../src/platform/zip-stream';
import type { ApiClient } from '../support/client';
import { startWithFixture, type Fixture } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const streamOf = (bytes: Uint8Array) => new Response(bytes as Uint8Array<ArrayBuffer>).body!;

/**
 * A crafted export file, handed to the platform admin to import (docs/tenant-export.md): township beta of
 * another instance, renamed gamma so it is new here, with one table part changed by `edit` and the manifest
 * made to fit (only what the rows say can tell).
 */
async function crafted(file: Uint8Array, edit: Record<string, (text: string) => string> = {}) {
  const out: Uint8Array[] = [];
  const zip = new ZipWriter((chunk) => out.push(chunk));
  const changed: Record<string, Uint8Array> = {};
  const renamed = (json: Uint8Array, tables?: boolean) => {
    const header = JSON.parse(decoder.decode(json));
    header.tenant.slug = 'gamma';
    if (tables)
      for (const [name, data] of Object.entries(changed))
        header.tables[name] = { rows: decoder.decode(data).split('\n').filter(Boolean).length, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
    return encoder.encode(JSON.stringify(header));
  };
  for await (const entry of readZip(streamOf(file))) {
    if (entry.name === 'format.json') zip.add(entry.name, renamed(entry.data));
    else if (entry.name === 'manifest.json') zip.add(entry.name, renamed(entry.data, true));
    else {
      const table = entry.name.replace(/\.\d{4}\.jsonl$/, '');
      let text = decoder.decode(entry.data);
      if (table === 'tenants') text = text.replace('"slug":"beta"', '"slug":"gamma"');
      if (edit[table] && entry.name === partName(table, 0)) text = edit[table](text);
      const data = encoder.encode(text);
      if (table === 'tenants' || edit[table]) changed[table] = data;
      zip.add(entry.name, data);
    }
  }
  zip.end();
  return new Uint8Array(await new Blob(out as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

async function postImport(server: TestServer, client: ApiClient, bytes: Uint8Array) {
  const response = await server.fetch('/api/platform/tenants/import', {
    method: 'POST',
    headers: { origin: 'http://127.0.0.1', cookie: client.cookieHeader(), 'content-type': 'application/zip' },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  return { status: response.status, body: (await response.json()) as { code?: string } };
}

describe.each(DRIVERS)('tenant import on %s (someone handed an export file to craft)', (driver) => {
  const ctx = {} as { source: TestServer; target: TestServer; here: Fixture; file: Uint8Array; platform: ApiClient; betaVillage: string; alphaVillage: string };

  beforeAll(async () => {
    const { server: source, fixture: there } = await startWithFixture(driver);
    const { server: target, fixture: here } = await startWithFixture(driver);
    Object.assign(ctx, { source, target });
    ctx.here = here;
    ctx.betaVillage = there.b.rows.villages[0].id!;
    ctx.alphaVillage = here.a.rows.villages[0].id!;
    // a host name of its own, which resolves requests to it before their path (the platform admin's setting)
    expect((await (await there.as('platformAdmin')).patch(`/api/platform/tenants/${there.b.tenantId}`, { hostnames: ['yiz.example.cn'] })).status).toBe(200);
    const response = await ctx.source.fetch(`/api/platform/tenants/${there.b.tenantId}/export`, { headers: { cookie: (await there.as('platformAdmin')).cookieHeader() } });
    expect(response.status).toBe(200);
    ctx.file = new Uint8Array(await response.arrayBuffer());
    ctx.platform = await here.as('platformAdmin');
  }, 120_000);
  afterAll(async () => {
    await Promise.all([ctx.source?.close(), ctx.target?.close()]);
  });

  const nothingStaged = async () => expect(await ctx.target.db.all(sql`SELECT id FROM tenants WHERE slug = 'gamma'`)).toEqual([]);

  it("refuses rows that hang on another township's village, and a grant to another township's village", async () => {
    const memberThere = await postImport(
      ctx.target,
      ctx.platform,
      await crafted(ctx.file, { members: (text) => text.replace(`"village_id":"${ctx.betaVillage}"`, `"village_id":"${ctx.alphaVillage}"`) }),
    );
    expect(memberThere).toMatchObject({ status: 422, body: { code: 'transfer.bad_row' } });
    await nothingStaged();
    const grantThere = await postImport(
      ctx.target,
      ctx.platform,
      await crafted(ctx.file, { role_grants: (text) => text.replace('"role":"township_admin"', '"role":"village_secretary"').replace('"village_id":null', `"village_id":"${ctx.alphaVillage}"`) }),
    );
    expect(grantThere).toMatchObject({ status: 422, body: { code: 'transfer.bad_row' } });
    await nothingStaged();
  });

  it('refuses a huge row, and an entry too large to inflate (a decompression bomb) before reading it', async () => {
    const huge = await postImport(ctx.target, ctx.platform, await crafted(ctx.file, { members: (text) => text.replace(/"name":"[^"]*"/, `"name":"${'x'.repeat(1_500_000)}"`) }));
    expect(huge).toMatchObject({ status: 422, body: { code: 'transfer.bad_row' } });
    await nothingStaged();
    // 9 MiB of the same byte compresses to a few kilobytes
    const bomb = await postImport(ctx.target, ctx.platform, await crafted(ctx.file, { villages: (text) => text + ' '.repeat(9 * 1024 * 1024) }));
    expect(bomb).toMatchObject({ status: 422, body: { code: 'transfer.not_an_export' } });
    await nothingStaged();
  });

  it('refuses a host name that is none (a crafted file could claim any host, the apex domain too, unseen)', async () => {
    for (const host of ['xingping.test/evil', 'Yiz.Example.CN', '127.0.0.1']) {
      const claimed = await postImport(ctx.target, ctx.platform, await crafted(ctx.file, { tenant_hostnames: (text) => text.replace('"hostname":"yiz.example.cn"', `"hostname":${JSON.stringify(host)}`) }));
      expect(claimed, host).toMatchObject({ status: 422, body: { code: 'transfer.bad_row' } });
      await nothingStaged();
    }
  });

  it('refuses an accounts table with one phone twice, as a problem (not a 500)', async () => {
    const twice = await postImport(
      ctx.target,
      ctx.platform,
      await crafted(ctx.file, {
        // a phone no account here has (the fixture's would be merged with this instance's accounts), on two accounts
        accounts: (text) => {
          const [first, ...rest] = text.split('\n');
          const fresh = first.replace(/"phone":"\d+"/, '"phone":"13911119999"');
          return [fresh, fresh.replace(/"id":"[^"]+"/, '"id":"01twice0000000000000"'), ...rest].join('\n');
        },
      }),
    );
    expect(twice).toMatchObject({ status: 409, body: { code: 'transfer.insert_failed' } });
    await nothingStaged();
  });

  it('imports the same file uncrafted (the refusals above were the crafting), and says which host names it brought', async () => {
    const plain = await postImport(ctx.target, ctx.platform, await crafted(ctx.file));
    expect(plain.status, JSON.stringify(plain.body)).toBe(201);
    expect(plain.body).toMatchObject({ registry: { hostnames: ['yiz.example.cn'] } });
  });
});
