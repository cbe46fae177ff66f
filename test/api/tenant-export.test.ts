import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/verify';
import type { Db } from '../../src/db/client';
import { exportTenant, importTenant, secretFingerprint } from '../../src/features/transfer';
import { partName, readPage } from '../../src/features/transfer/export';
import { entries, NOT_CARRIED, photoEntryName, type Entry } from '../../src/features/transfer/format';
import { photoKey, type PhotoStore } from '../../src/platform/photo-store';
import { IMPORTED_PASSWORD_HASH, PIN_REISSUE_REQUIRED, type ImportReport } from '../../src/features/transfer/import';
import { recomputeProvisional } from '../../src/features/stars';
import { AppError } from '../../src/platform/errors';
import { createHash } from 'node:crypto';
import { shanghaiYear } from '../../src/platform/time';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/seed/demo';
import { parseSettings } from '../../src/tenancy/settings';
import { readZip, ZipWriter } from '../../src/platform/zip-stream';
import { ApiClient } from '../support/client';
import { startServer, TEST_APP_SECRET, TEST_ENV, type TestServer } from '../support/servers';
import { createTestAccount } from '../support/fixture';

const TINY = { villages: 3, liuqiaoVillages: 2, membersPerVillage: [3, 4] as [number, number], householdsPerVillage: [4, 6] as [number, number] };
const SECRETS = { current: TEST_APP_SECRET };
const PLATFORM_PHONE = '13800000000';
const PASSPHRASE = 'long enough passphrase 潘店';
const ADMIN_PASSWORD = 'Import-Admin-2026!';

const bytesOf = async (stream: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(stream).arrayBuffer());
const streamOf = (bytes: Uint8Array) => new Response(bytes as Uint8Array<ArrayBuffer>).body!;

/** Every row of an entry of the township, in key order. */
async function rowsOf(db: Db, entry: Entry, tenantId: string) {
  const out: Record<string, unknown>[] = [];
  let cursor: unknown[] | undefined;
  for (;;) {
    const page = await readPage(db, entry, tenantId, cursor);
    out.push(...page);
    if (page.length < 500) return out;
    cursor = entry.primaryKey.map((c) => page[page.length - 1][c]);
  }
}

async function everyTable(db: Db, tenantId: string) {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const entry of entries()) out[entry.name] = await rowsOf(db, entry, tenantId);
  return out;
}

/** How many rows of the township are anywhere in the database (staged or not). */
async function traces(db: Db, tenantId: string) {
  let n = 0;
  for (const entry of entries().filter((e) => e.owned))
    n += Number((await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.identifier(entry.name)} WHERE tenant_id = ${tenantId}`))[0].n);
  n += Number((await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM tenants WHERE id = ${tenantId}`))[0].n);
  return n;
}

async function platformAdmin(server: TestServer, phone = PLATFORM_PHONE) {
  const [known] = await server.db.all<{ id: string }>(sql`SELECT id FROM accounts WHERE phone = ${phone}`);
  if (!known) await createTestAccount(server.db, { phone, name: '平台管理员', password: ADMIN_PASSWORD }, [{ role: 'platform_admin' }]);
  return new ApiClient(server).login(phone, known ? DEMO_PASSWORD : ADMIN_PASSWORD);
}

async function postImport(server: TestServer, client: ApiClient, bytes: Uint8Array, passphrase?: string) {
  const response = await server.fetch('/api/platform/tenants/import', {
    method: 'POST',
    headers: { origin: 'http://127.0.0.1', cookie: client.cookieHeader(), 'content-type': 'application/zip', ...(passphrase ? { 'x-passphrase': passphrase } : {}) },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** The file with one entry's bytes changed by `edit`, re-zipped with valid CRCs (so only the manifest can tell). */
async function rewritten(file: Uint8Array, name: string, edit: (text: string) => string) {
  const out: Uint8Array[] = [];
  const zip = new ZipWriter((chunk) => out.push(chunk));
  for await (const entry of readZip(streamOf(file))) zip.add(entry.name, entry.name === name ? new TextEncoder().encode(edit(new TextDecoder().decode(entry.data))) : entry.data);
  zip.end();
  return bytesOf(new Blob(out as Uint8Array<ArrayBuffer>[]).stream());
}

/** The file with each entry passed through `map` (undefined drops it), re-zipped with valid CRCs. */
async function rezipped(file: Uint8Array, map: (name: string, data: Uint8Array) => Uint8Array | undefined) {
  const out: Uint8Array[] = [];
  const zip = new ZipWriter((chunk) => out.push(chunk));
  for await (const entry of readZip(streamOf(file))) {
    const data = map(entry.name, entry.data);
    if (data) zip.add(entry.name, data);
  }
  zip.end();
  return bytesOf(new Blob(out as Uint8Array<ArrayBuffer>[]).stream());
}

/** The file with one entry under another name. */
async function rezippedRenaming(file: Uint8Array, from: string, to: string) {
  const out: Uint8Array[] = [];
  const zip = new ZipWriter((chunk) => out.push(chunk));
  for await (const entry of readZip(streamOf(file))) zip.add(entry.name === from ? to : entry.name, entry.data);
  zip.end();
  return bytesOf(new Blob(out as Uint8Array<ArrayBuffer>[]).stream());
}

/** A JPEG as a phone's camera writes one (its EXIF block the upload strips). */
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 7, ...new TextEncoder().encode('JFIF\0'), 0xff, 0xda, 0, 6, 1, 2, 3, 4, ...new Array(64).fill(0x55), 0xff, 0xd9]);

/** Like rewritten, and the manifest made to fit: only what the file's contents say can tell. */
async function rewrittenWithManifest(file: Uint8Array, table: string, edit: (text: string) => string) {
  const name = partName(table, 0);
  const out: Uint8Array[] = [];
  const zip = new ZipWriter((chunk) => out.push(chunk));
  let data: Uint8Array | undefined;
  for await (const entry of readZip(streamOf(file))) {
    if (entry.name === name) data = new TextEncoder().encode(edit(new TextDecoder().decode(entry.data)));
    if (entry.name === 'manifest.json') {
      const manifest = JSON.parse(new TextDecoder().decode(entry.data));
      manifest.tables[table] = { rows: new TextDecoder().decode(data!).split('\n').filter(Boolean).length, bytes: data!.length, sha256: createHash('sha256').update(data!).digest('hex') };
      zip.add(entry.name, new TextEncoder().encode(JSON.stringify(manifest)));
    } else zip.add(entry.name, entry.name === name ? data! : entry.data);
  }
  zip.end();
  return bytesOf(new Blob(out as Uint8Array<ArrayBuffer>[]).stream());
}

/**
 * A township as imported: every table as the original, but the audit chain, which goes on after the
 * original's rows with the import's own event (and whatever happened there since), and still verifies.
 */
async function expectSameTownship(server: TestServer, tenantId: string, original: Record<string, Record<string, unknown>[]>, since: string[]) {
  const imported = await everyTable(server.db, tenantId);
  for (const entry of entries()) {
    if (entry.name !== 'audit_events') expect(imported[entry.name], entry.name).toEqual(original[entry.name]);
  }
  const trail = imported.audit_events;
  expect(trail.slice(0, original.audit_events.length), 'the audit chain, hash for hash').toEqual(original.audit_events);
  expect(trail.slice(original.audit_events.length).map((row) => row.action)).toEqual(since);
  expect((await verifyChain(server.db, server.auditStore, tenantId)).ok, 'the audit chain verifies').toBe(true);
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('the import was not refused');
}

async function stars(db: Db, tenantId: string) {
  const [tenant] = await db.all<{ settings: string }>(sql`SELECT settings FROM tenants WHERE id = ${tenantId}`);
  for (const year of [shanghaiYear() - 1, shanghaiYear()]) await recomputeProvisional(db, tenantId, year, parseSettings(tenant.settings));
  return db.all(
    sql`SELECT year, stage, subject_kind, subject_id, composite, complete, raw_stars, red_lines, final_stars, previous_stars, consequences, income_fen, income_tier
        FROM annual_results WHERE tenant_id = ${tenantId} AND reopening_id IS NULL ORDER BY year, stage, subject_kind, subject_id`,
  );
}

/**
 * A township moves between instances (docs/tenant-export.md): exported from workerd + local D1 over HTTP,
 * imported into Node + libSQL (the CLI's verb), exported there and imported back into another workerd over
 * HTTP, every table row for row; and every way a file or a caller can be wrong is refused with nothing left.
 */
describe('tenant export and import', () => {
  const ctx = {} as { source: TestServer; libsql: TestServer; back: TestServer; file: Uint8Array; pandian: string; liuqiao: string; platform: ApiClient; photo: { id: string; key: string; bytes: Uint8Array } };

  beforeAll(async () => {
    ctx.source = await startServer('workerd');
    await seedDemoIfEmpty(ctx.source.db, TINY);
    const ids = await ctx.source.db.all<{ id: string; slug: string }>(sql`SELECT id, slug FROM tenants`);
    ctx.pandian = ids.find((t) => t.slug === 'pandian')!.id;
    ctx.liuqiao = ids.find((t) => t.slug === 'liuqiao')!.id;
    ctx.platform = await platformAdmin(ctx.source);
    ctx.libsql = await startServer('libsql');
    ctx.back = await startServer('workerd');
  }, 300_000);
  afterAll(async () => {
    await Promise.all([ctx.source?.close(), ctx.libsql?.close(), ctx.back?.close()]);
  });

  it('carries every table that has a tenant_id, bar the ones it names a reason for', async () => {
    const withTenant = (
      await ctx.source.db.all<{ name: string }>(
        sql`SELECT m.name AS name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_cf_%' AND c.name = 'tenant_id'`,
      )
    ).map((table) => table.name);
    const carried = entries().filter((e) => e.owned).map((e) => e.name);
    expect(withTenant.filter((name) => !carried.includes(name) && !(name in NOT_CARRIED))).toEqual([]);
    expect(carried.length + Object.keys(NOT_CARRIED).length).toBe(withTenant.length);
  });

  it('round-trips a township workerd → libSQL → workerd, table by table, its meeting photos too, and its stars recompute the same', async () => {
    // a meeting photo of the township, in workerd's R2: the file carries its bytes, and each import stores them
    const admin = await new ApiClient(ctx.source).login('13800000002', DEMO_PASSWORD);
    const [village] = await ctx.source.db.all<{ id: string }>(sql`SELECT id FROM villages WHERE tenant_id = ${ctx.pandian} ORDER BY id LIMIT 1`);
    const meeting = await admin.post('/t/pandian/api/orglife/meetings', { villageId: village.id, kind: 'lecture', heldOn: new Date().toISOString().slice(0, 10), topic: '党课：红色家风' });
    expect(meeting.status, JSON.stringify(meeting.body)).toBe(201);
    const form = new FormData();
    form.set('file', new Blob([JPEG as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), 'IMG_0001.jpg');
    const encoded = new Response(form);
    const uploaded = await ctx.source.fetch(`/t/pandian/api/orglife/meetings/${meeting.body.id}/photos`, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1', cookie: admin.cookieHeader(), 'content-type': encoded.headers.get('content-type')! },
      body: new Uint8Array(await encoded.arrayBuffer()),
    });
    expect(uploaded.status).toBe(201);
    const photoId = ((await uploaded.json()) as { id: string }).id;
    const key = photoKey(ctx.pandian, meeting.body.id, photoId);
    ctx.photo = { id: photoId, key, bytes: (await ctx.source.photoStore.get(key))! };
    expect(ctx.photo.bytes.length).toBeGreaterThan(0);

    const started = Date.now();
    const response = await ctx.source.fetch(`/api/platform/tenants/${ctx.pandian}/export`, { headers: { cookie: ctx.platform.cookieHeader() } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="xingping-pandian-\d{8}-\d{6}\.zip"$/);
    ctx.file = new Uint8Array(await response.arrayBuffer());
    console.log(`export of the small demo township: ${ctx.file.length} bytes in ${Date.now() - started} ms`);
    const original = await everyTable(ctx.source.db, ctx.pandian);
    expect(original.evaluation_ballots.length).toBeGreaterThan(0);
    // the file carries the township's chain, sealed, its own export the last event
    expect(original.audit_events.length).toBeGreaterThan(1);
    expect(original.audit_events.every((row) => row.hash !== null)).toBe(true);
    expect(original.audit_events.at(-1)).toMatchObject({ action: 'export.tenant', actor_id: expect.stringMatching(/./), chain: ctx.pandian });

    const report = await importTenant(ctx.libsql.databases, streamOf(ctx.file), { secrets: SECRETS, photoStore: ctx.libsql.photoStore });
    expect(report.tenant.slug).toBe('pandian');
    expect(report.photos).toEqual({ stored: 1, missing: 0 });
    expect(await ctx.libsql.photoStore.get(ctx.photo.key)).toEqual(ctx.photo.bytes);
    expect(report.secret).toEqual({ same: true, memberPinsToReissue: 0, sessionsEnded: 0, displayLinksChanged: 0 });
    expect(report.accounts.created).toBe(original.accounts.length);
    expect(report.registry).toMatchObject({ createdCity: true, createdCounty: true });
    for (const entry of entries()) expect(report.tables[entry.name], entry.name).toBe(original[entry.name].length);
    await expectSameTownship(ctx.libsql, ctx.pandian, original, ['tenant.import']);
    // the platform's chain says who imported what (here the CLI's verb: the system)
    const [platformRow] = await ctx.libsql.db.all<{ actor_id: string; changes: string; hash: string | null }>(
      sql`SELECT actor_id, changes, hash FROM audit_events WHERE chain = 'platform' AND action = 'tenant.import' AND entity_id = ${ctx.pandian}`,
    );
    expect(platformRow).toMatchObject({ actor_id: 'system', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.parse(platformRow.changes).slug).toEqual([null, 'pandian']);
    // the accounts came without their passwords
    const hashes = await ctx.libsql.db.all<{ h: string }>(sql`SELECT DISTINCT password_hash AS h FROM accounts`);
    expect(hashes).toEqual([{ h: IMPORTED_PASSWORD_HASH }]);
    expect((await new ApiClient(ctx.libsql).post('/api/auth/login', { phone: '13800000002', password: DEMO_PASSWORD })).status).toBe(401);

    // and back: exported from libSQL (the CLI's verb), imported into another workerd over HTTP
    const again = await bytesOf(exportTenant({ registry: ctx.libsql.db, shard: ctx.libsql.db }, report.tenant, { fingerprint: await secretFingerprint(SECRETS), photoStore: ctx.libsql.photoStore }));
    const back = await platformAdmin(ctx.back, '13900000009');
    const answer = await postImport(ctx.back, back, again);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body.photos).toEqual({ stored: 1, missing: 0 });
    expect(await ctx.back.photoStore.get(ctx.photo.key)).toEqual(ctx.photo.bytes);
    // the failed login on libSQL above was the township's admin's: an event of its chain, carried along
    await expectSameTownship(ctx.back, ctx.pandian, original, ['tenant.import', 'auth.login_failed', 'tenant.import']);
    const [imported] = await ctx.back.db.all<{ actor_id: string }>(sql`SELECT actor_id FROM audit_events WHERE chain = 'platform' AND action = 'tenant.import'`);
    expect(imported.actor_id).not.toBe('system');
    // visible there now
    expect((await new ApiClient(ctx.back).get('/t/pandian/api/public/villages')).status).toBe(200);

    const before = await stars(ctx.source.db, ctx.pandian);
    expect(before.length).toBeGreaterThan(0);
    expect(await stars(ctx.libsql.db, ctx.pandian)).toEqual(before);
    expect(await stars(ctx.back.db, ctx.pandian)).toEqual(before);
  });

  it('encrypts with a passphrase and refuses a wrong one, leaving nothing', async () => {
    const response = await ctx.source.fetch(`/api/platform/tenants/${ctx.liuqiao}/export`, { headers: { cookie: ctx.platform.cookieHeader(), 'x-passphrase': encodeURIComponent(PASSPHRASE) } });
    expect(response.status).toBe(200);
    const sealed = new Uint8Array(await response.arrayBuffer());
    expect(new TextDecoder().decode(sealed.slice(0, 5))).toBe('XPENC');
    expect(await refusal(importTenant(ctx.libsql.databases, streamOf(sealed), { secrets: SECRETS }))).toEqual({ status: 422, code: 'transfer.passphrase_required' });
    expect(await refusal(importTenant(ctx.libsql.databases, streamOf(sealed), { secrets: SECRETS, passphrase: 'not the passphrase' }))).toEqual({
      status: 422,
      code: 'transfer.wrong_passphrase',
    });
    expect(await traces(ctx.libsql.db, ctx.liuqiao)).toBe(0);
    const short = await ctx.source.fetch(`/api/platform/tenants/${ctx.liuqiao}/export`, { headers: { cookie: ctx.platform.cookieHeader(), 'x-passphrase': 'short' } });
    expect(short.status).toBe(400);
    const report = await importTenant(ctx.libsql.databases, streamOf(sealed), { secrets: SECRETS, passphrase: PASSPHRASE });
    expect(report.tenant.slug).toBe('liuqiao');
    // the county's accounts merge: liuqiao's admin is new, the registry is the one pandian brought
    expect(report.registry).toMatchObject({ createdCity: false, createdCounty: false });
    await expectSameTownship(ctx.libsql, ctx.liuqiao, await everyTable(ctx.source.db, ctx.liuqiao), ['tenant.import']);
  });

  it('refuses a tampered file, a wrong schema version and a township already present, leaving nothing', async () => {
    const target = await startServer('libsql');
    try {
      const villages = partName('villages', 0);
      const tampered = await rewritten(ctx.file, villages, (text) => text.replace('靖庄', '靖莊'));
      expect(await refusal(importTenant(target.databases, streamOf(tampered), { secrets: SECRETS, photoStore: target.photoStore }))).toEqual({ status: 422, code: 'transfer.checksum_mismatch' });
      expect(await traces(target.db, ctx.pandian)).toBe(0);
      expect(await target.db.all(sql`SELECT id FROM accounts`)).toEqual([]);

      const otherTownship = await rewritten(ctx.file, villages, (text) => text.replace(`"tenant_id":"${ctx.pandian}"`, `"tenant_id":"${ctx.liuqiao}"`));
      expect(await refusal(importTenant(target.databases, streamOf(otherTownship), { secrets: SECRETS, photoStore: target.photoStore }))).toMatchObject({ code: 'transfer.bad_row' });
      const platformGrant = await rewritten(ctx.file, partName('role_grants', 0), (text) => text.replace('"role":"township_admin"', '"role":"platform_admin"'));
      expect(await refusal(importTenant(target.databases, streamOf(platformGrant), { secrets: SECRETS, photoStore: target.photoStore }))).toMatchObject({ code: 'transfer.bad_row' });

      // an audit row edited, with the manifest made to fit: the chain sealed again does not give the file's hashes
      const forged = await rewrittenWithManifest(ctx.file, 'audit_events', (text) => text.replace('"action":"export.tenant"', '"action":"export.nothing"'));
      expect(await refusal(importTenant(target.databases, streamOf(forged), { secrets: SECRETS, photoStore: target.photoStore }))).toEqual({ status: 422, code: 'transfer.audit_chain_mismatch' });
      // and one removed from the middle, the hashes after it left as they were
      const cutRow = await rewrittenWithManifest(ctx.file, 'audit_events', (text) => {
        const lines = text.split('\n');
        const after = lines.slice(2).map((line) => line.replace(/"seq":(\d+)/, (_, n) => `"seq":${Number(n) - 1}`));
        return [lines[0], ...after].join('\n');
      });
      expect(await refusal(importTenant(target.databases, streamOf(cutRow), { secrets: SECRETS, photoStore: target.photoStore }))).toEqual({ status: 422, code: 'transfer.audit_chain_mismatch' });
      expect(await traces(target.db, ctx.pandian)).toBe(0);

      const oldSchema = await rewritten(ctx.file, 'format.json', (text) => text.replace(/"schemaVersion": "[^"]+"/, '"schemaVersion": "0006_ballot_secrecy"'));
      expect(await refusal(importTenant(target.databases, streamOf(oldSchema), { secrets: SECRETS, photoStore: target.photoStore }))).toEqual({ status: 422, code: 'transfer.schema_mismatch' });
      const cut = ctx.file.slice(0, Math.floor(ctx.file.length / 2));
      expect(await refusal(importTenant(target.databases, streamOf(cut), { secrets: SECRETS, photoStore: target.photoStore }))).toMatchObject({ status: 422 });
      expect(await traces(target.db, ctx.pandian)).toBe(0);

      // into the instance it came from: the township is there
      const answer = await postImport(ctx.source, ctx.platform, ctx.file);
      expect(answer).toMatchObject({ status: 409, body: { code: 'transfer.tenant_exists' } });
    } finally {
      await target.close();
    }
  });

  it('refuses a photo file changed, dropped or without its row, and a photo row keyed outside the township or typed as a page, leaving no file', async () => {
    const target = await startServer('libsql');
    try {
      const name = photoEntryName(ctx.photo.id);
      const into = (file: Uint8Array, photoStore: PhotoStore | undefined = target.photoStore) => refusal(importTenant(target.databases, streamOf(file), { secrets: SECRETS, photoStore }));
      const changed = await rezipped(ctx.file, (entry, data) => (entry === name ? Uint8Array.from(data, (byte, i) => (i === 20 ? byte ^ 1 : byte)) : data));
      expect(await into(changed)).toEqual({ status: 422, code: 'transfer.checksum_mismatch' });
      const dropped = await rezipped(ctx.file, (entry, data) => (entry === name ? undefined : data));
      expect(await into(dropped)).toEqual({ status: 422, code: 'transfer.checksum_mismatch' });
      const orphan = await rezippedRenaming(ctx.file, name, photoEntryName('01nosuchphoto00000000'));
      expect(await into(orphan)).toMatchObject({ status: 422, code: 'transfer.bad_row' });
      // one file more than the manifest names: stored, then refused, and removed again
      const overCount = await rewritten(ctx.file, 'manifest.json', (text) => text.replace('"files": 1', '"files": 2'));
      expect(await into(overCount)).toEqual({ status: 422, code: 'transfer.checksum_mismatch' });
      expect(await target.photoStore.get(ctx.photo.key)).toBeNull();
      // rows that would read or delete another township's photo, or serve a page from the app's origin
      const foreignKey = await rewrittenWithManifest(ctx.file, 'org_meeting_photos', (text) => text.replace(`photos/${ctx.pandian}/`, `photos/${ctx.liuqiao}/`));
      expect(await into(foreignKey)).toMatchObject({ status: 422, code: 'transfer.bad_row' });
      const climbing = await rewrittenWithManifest(ctx.file, 'org_meeting_photos', (text) => text.replace(/"meeting_id":"([^"]+)"/, '"meeting_id":"../../$1"').replace(`photos/${ctx.pandian}/`, `photos/${ctx.pandian}/../../`));
      expect(await into(climbing)).toMatchObject({ status: 422, code: 'transfer.bad_row' });
      // ids that would become a path in Node's photo directory: a meeting's, and the township's (upper case
      // would name another township's files on a case-insensitive disk)
      const meetingId = await rewrittenWithManifest(ctx.file, 'org_meetings', (text) => text.replace(/"id":"([^"]+)"/, '"id":"..$1"'));
      expect(await into(meetingId)).toMatchObject({ status: 422, code: 'transfer.bad_row' });
      const upperCase = await rewritten(ctx.file, 'format.json', (text) => text.replace(`"id": "${ctx.pandian}"`, `"id": "${ctx.pandian.toUpperCase()}"`));
      expect(upperCase).not.toEqual(ctx.file);
      expect(await into(upperCase)).toEqual({ status: 422, code: 'transfer.bad_row' });
      const page = await rewrittenWithManifest(ctx.file, 'org_meeting_photos', (text) => text.replace('"content_type":"image/jpeg"', '"content_type":"text/html"'));
      expect(await into(page)).toMatchObject({ status: 422, code: 'transfer.bad_row' });
      // a server with nowhere to keep the photos refuses the file rather than drop them
      expect(await into(ctx.file, null as never)).toEqual({ status: 422, code: 'transfer.no_photo_store' });
      expect(await traces(target.db, ctx.pandian)).toBe(0);
      expect(await target.photoStore.get(ctx.photo.key)).toBeNull();

      // a format-1 file (before photos were carried): its photo rows arrive, their files counted missing
      const formatOne = await rezipped(ctx.file, (entry, data) => {
        if (entry === name) return undefined;
        if (entry !== 'format.json' && entry !== 'manifest.json') return data;
        const json = JSON.parse(new TextDecoder().decode(data));
        delete json.photos;
        return new TextEncoder().encode(JSON.stringify({ ...json, formatVersion: 1 }));
      });
      const report = await importTenant(target.databases, streamOf(formatOne), { secrets: SECRETS, photoStore: target.photoStore });
      expect(report.photos).toEqual({ stored: 0, missing: 1 });
    } finally {
      await target.close();
    }
  });

  it('lets a township admin export their own township only', async () => {
    const liuqiaoAdmin = await new ApiClient(ctx.source).login('13800000005', DEMO_PASSWORD);
    expect((await liuqiaoAdmin.get('/t/pandian/api/export')).status).toBe(404);
    expect((await liuqiaoAdmin.get(`/api/platform/tenants/${ctx.pandian}/export`)).status).toBe(403);
    const own = await ctx.source.fetch('/t/liuqiao/api/export', { headers: { cookie: liuqiaoAdmin.cookieHeader() } });
    expect(own.status).toBe(200);
    const names: string[] = [];
    for await (const entry of readZip(own.body!)) names.push(entry.name);
    expect(names[0]).toBe('format.json');
    expect(names.at(-1)).toBe('manifest.json');
    const secretary = await new ApiClient(ctx.source).login('13800000003', DEMO_PASSWORD);
    expect((await secretary.get('/t/pandian/api/export')).status).toBe(403);
    expect((await new ApiClient(ctx.source).get('/t/pandian/api/export')).status).toBe(401);
  });

  it('keeps a township invisible while its import is halfway, and leaves nothing when it breaks off', async () => {
    const target = await startServer('libsql');
    try {
      const admin = await platformAdmin(target, '13900000008');
      let release!: (error: Error) => void;
      const stalled = new Promise<never>((_, reject) => (release = reject));
      const half = Math.floor(ctx.file.length * 0.6);
      let sent = false;
      const source = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (!sent) {
            sent = true;
            // in small pieces, so the import stages what it can before the stall
            for (let i = 0; i < half; i += 4096) controller.enqueue(ctx.file.slice(i, Math.min(i + 4096, half)));
            return;
          }
          await stalled;
        },
      });
      const running = importTenant(target.databases, source, { secrets: SECRETS, photoStore: target.photoStore });
      running.catch(() => undefined);
      // wait until rows are staged
      for (let i = 0; i < 100 && (await traces(target.db, ctx.pandian)) < 10; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await traces(target.db, ctx.pandian)).toBeGreaterThan(10);
      expect((await target.db.all<{ status: string }>(sql`SELECT status FROM tenants WHERE id = ${ctx.pandian}`))[0].status).toBe('importing');
      const anonymous = new ApiClient(target);
      expect((await anonymous.get('/t/pandian/api/public/villages')).status).toBe(404);
      expect((await anonymous.get('http://pandian.xingping.test/api/public/villages')).status).toBe(404);
      const runs = await admin.post('/api/platform/job-runs', { job: 'recompute' });
      expect(runs.status).toBeLessThan(300);
      expect((await target.db.all(sql`SELECT tenant_id FROM job_run_tenants WHERE tenant_id = ${ctx.pandian}`)).length).toBe(0);

      release(new Error('connection lost'));
      await expect(running).rejects.toThrow();
      expect(await traces(target.db, ctx.pandian)).toBe(0);
      expect(await target.db.all(sql`SELECT id FROM accounts WHERE password_hash = ${IMPORTED_PASSWORD_HASH}`)).toEqual([]);

      // an import cut off without its clean-up (a killed process) is replaced by the next one
      await target.db.run(sql`INSERT INTO cities (id, name, created_at) VALUES ('c-stale', '旧市', '2026-01-01T00:00:00.000Z')`);
      await target.db.run(sql`INSERT INTO counties (id, city_id, name, created_at) VALUES ('k-stale', 'c-stale', '旧县', '2026-01-01T00:00:00.000Z')`);
      await target.db.run(sql`INSERT INTO tenants (id, slug, name, county_id, status, created_at, updated_at) VALUES (${ctx.pandian}, 'pandian', '潘店镇', 'k-stale', 'importing', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`);
      const report = await importTenant(target.databases, streamOf(ctx.file), { secrets: SECRETS, photoStore: target.photoStore });
      expect(report.replacedStaleImport).toBe(true);
      // a server that looked the township up while it was importing sees it within the tenant cache's few seconds (TENANT_TTL_MS)
      let status = 0;
      for (let i = 0; i < 40 && status !== 200; i++) {
        status = (await anonymous.get('/t/pandian/api/public/villages')).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
    } finally {
      await target.close();
    }
  });

  /** An import whose file arrives in two pieces (cut at `half`), the second when `resume` is called: staged halfway until then. */
  function importInTwoHalves(target: TestServer, half = Math.floor(ctx.file.length * 0.6)) {
    let resume!: () => void;
    const resumed = new Promise<void>((done) => (resume = done));
    let step = 0;
    const source = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (step++ === 0) {
          for (let i = 0; i < half; i += 4096) controller.enqueue(ctx.file.slice(i, Math.min(i + 4096, half)));
          return;
        }
        await resumed;
        controller.enqueue(ctx.file.slice(half));
        controller.close();
      },
    });
    const running = importTenant(target.databases, source, { secrets: SECRETS, photoStore: target.photoStore });
    running.catch(() => undefined);
    return { running, resume };
  }
  /** Every row the import read is in the database, and no other (the township's own audit row of the import aside). */
  async function expectAllOf(target: TestServer, report: ImportReport) {
    const stored = await everyTable(target.db, ctx.pandian);
    for (const entry of entries().filter((e) => e.owned)) expect(stored[entry.name].length, entry.name).toBe(report.tables[entry.name] + (entry.name === 'audit_events' ? 1 : 0));
  }
  /** Where the file's ZIP entry after `name` begins (its local header: 30 bytes, then its name). */
  async function entryAfter(name: string) {
    const names: string[] = [];
    for await (const entry of readZip(streamOf(ctx.file))) names.push(entry.name);
    const next = new TextEncoder().encode(names[names.indexOf(name) + 1]);
    const at = Buffer.from(ctx.file).indexOf(next);
    expect(at).toBeGreaterThan(30);
    return at - 30;
  }
  const staged = async (target: TestServer) => {
    for (let i = 0; i < 100 && (await traces(target.db, ctx.pandian)) < 10; i++) await new Promise((r) => setTimeout(r, 20));
    return traces(target.db, ctx.pandian);
  };

  it('refuses a second import of a township while the first one runs (409), removing none of its rows, and the first one finishes', async () => {
    const target = await startServer('libsql');
    try {
      // cut once the grants are in: a sign-in of a phone of the file then finds its staged grant
      const first = importInTwoHalves(target, await entryAfter(partName('role_grants', 0)));
      const halfway = await staged(target);
      expect(halfway).toBeGreaterThan(10);
      // the same file again, as a second platform admin (or a retried upload) would send it while the first still loads
      expect(await refusal(importTenant(target.databases, streamOf(ctx.file), { secrets: SECRETS, photoStore: target.photoStore }))).toEqual({ status: 409, code: 'transfer.import_in_progress' });
      const admin = await platformAdmin(target, '13900000008');
      const overHttp = await postImport(target, admin, ctx.file);
      expect(overHttp.status).toBe(409);
      expect(overHttp.body).toMatchObject({ code: 'transfer.import_in_progress', message: '该乡镇正在由另一次导入写入，请等它结束后再试；若那次导入已中断，10 分钟后可重新导入' });
      expect(await traces(target.db, ctx.pandian)).toBe(halfway);
      // a sign-in tried meanwhile by a phone of the file (anyone can send one) is recorded in the platform's chain,
      // not the staged township's, whose rows are the file's and nothing else
      expect((await target.db.all(sql`SELECT 1 FROM role_grants WHERE tenant_id = ${ctx.pandian}`)).length).toBeGreaterThan(0);
      expect((await new ApiClient(target).post('/api/auth/login', { phone: '13800000002', password: 'not-the-password' })).status).toBe(401);
      expect(await target.db.all(sql`SELECT chain FROM audit_events WHERE action = 'auth.login_failed'`)).toEqual([{ chain: 'platform' }]);

      first.resume();
      const report = await first.running;
      expect(report.tenant.id).toBe(ctx.pandian);
      expect((await target.db.all<{ status: string }>(sql`SELECT status FROM tenants WHERE id = ${ctx.pandian}`))[0].status).toBe('active');
      await expectAllOf(target, report);
      // done: the lease is given up, and the township is there
      expect(await target.db.all(sql`SELECT * FROM township_import_leases`)).toEqual([]);
      expect(await refusal(importTenant(target.databases, streamOf(ctx.file), { secrets: SECRETS, photoStore: target.photoStore }))).toEqual({ status: 409, code: 'transfer.tenant_exists' });
    } finally {
      await target.close();
    }
  });

  it('lets the next import take over from one whose lease lapsed, and the first one, resuming late, then fails without touching the township', async () => {
    const target = await startServer('libsql');
    try {
      const first = importInTwoHalves(target);
      expect(await staged(target)).toBeGreaterThan(10);
      // the first import stalls for longer than its lease (IMPORT_LEASE_MS) without renewing it
      await target.db.run(sql`UPDATE township_import_leases SET renewed_at = '2026-01-01T00:00:00.000Z' WHERE township_id = ${ctx.pandian}`);
      const report = await importTenant(target.databases, streamOf(ctx.file), { secrets: SECRETS, photoStore: target.photoStore });
      expect(report.replacedStaleImport).toBe(true);
      await expectAllOf(target, report);
      const imported = await everyTable(target.db, ctx.pandian);

      first.resume();
      expect(await refusal(first.running)).toEqual({ status: 409, code: 'transfer.import_in_progress' });
      // its failure removed nothing of the township the second import made
      expect(await everyTable(target.db, ctx.pandian)).toEqual(imported);
      expect((await target.db.all<{ status: string }>(sql`SELECT status FROM tenants WHERE id = ${ctx.pandian}`))[0].status).toBe('active');
      expect(await target.photoStore.get(imported.org_meeting_photos[0].store_key as string)).not.toBeNull();
    } finally {
      await target.close();
    }
  });

  it('under another APP_SECRET: merges a known phone\'s grants, keeps its password, and re-issues what the secret keyed', async () => {
    const other = { ...TEST_ENV, APP_SECRET: 'another-instance-secret-Zx81Qw2Er7Ty5Ui9Op3As' };
    const target = await startServer('libsql', other);
    try {
      // pandian's admin already works here, with a password of this instance
      await createTestAccount(target.db, { phone: '13800000002', name: '已有账号', password: ADMIN_PASSWORD }, []);
      // members of a village get their ballot PINs (HMAC under the source's secret)
      const pandianAdmin = await new ApiClient(ctx.source).login('13800000002', DEMO_PASSWORD);
      const [village] = await ctx.source.db.all<{ id: string }>(sql`SELECT id FROM villages WHERE tenant_id = ${ctx.pandian} ORDER BY id LIMIT 1`);
      expect((await pandianAdmin.post('/t/pandian/api/evaluation/member-credentials', { villageId: village.id })).status).toBe(201);
      const credentials = await ctx.source.db.all<{ id: string }>(sql`SELECT id FROM evaluation_member_credentials WHERE tenant_id = ${ctx.pandian}`);
      expect(credentials.length).toBeGreaterThan(0);
      const screens = await ctx.source.db.all<{ id: string }>(sql`SELECT id FROM evaluation_screens WHERE tenant_id = ${ctx.pandian}`);
      const file = await bytesOf(exportTenant({ registry: ctx.source.db, shard: ctx.source.db }, { id: ctx.pandian, slug: 'pandian', name: '潘店镇' }, { fingerprint: await secretFingerprint(SECRETS) }));
      const report = await importTenant(target.databases, streamOf(file), { secrets: { current: other.APP_SECRET } });
      expect(report.accounts.merged).toEqual(['13800000002']);
      expect(report.secret).toMatchObject({ same: false, memberPinsToReissue: credentials.length, displayLinksChanged: screens.length });
      const pins = await target.db.all<{ h: string }>(sql`SELECT DISTINCT pin_hash AS h FROM evaluation_member_credentials WHERE tenant_id = ${ctx.pandian}`);
      expect(pins).toEqual([{ h: PIN_REISSUE_REQUIRED }]);
      expect(await target.db.all(sql`SELECT id FROM evaluation_sessions WHERE tenant_id = ${ctx.pandian} AND salt IS NOT NULL`)).toEqual([]);
      // the merged admin signs in with this instance's password, holds the township, and re-issues the PINs
      const admin = await new ApiClient(target).login('13800000002', ADMIN_PASSWORD);
      const members = await target.db.all<{ id: string }>(sql`SELECT member_id AS id FROM evaluation_member_credentials WHERE tenant_id = ${ctx.pandian}`);
      const reissued = await admin.post('/t/pandian/api/evaluation/member-credentials', { villageId: village.id, resetMemberIds: members.map((m) => m.id) });
      expect(reissued.status).toBe(201);
      expect(reissued.body.items).toHaveLength(credentials.length);
      expect(await target.db.all(sql`SELECT id FROM evaluation_member_credentials WHERE pin_hash = ${PIN_REISSUE_REQUIRED}`)).toEqual([]);
    } finally {
      await target.close();
    }
  });
});
