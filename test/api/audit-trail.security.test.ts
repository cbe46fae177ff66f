import { readFileSync } from 'node:fs';
import { and, asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { archiveAndPrune, sealAndAnchor } from '../../src/audit/archive';
import { rowHash, sealChain } from '../../src/audit/chain';
import { auditInsert } from '../../src/audit/record';
import { anchorKey, archiveKey } from '../../src/audit/store';
import { verifyChain } from '../../src/audit/verify';
import type { Db } from '../../src/db/client';
import { auditArchives, auditEvents } from '../../src/db/schema';
import { gunzipSync, gzipSync } from 'fflate';
import { sha256Hex } from '../../src/platform/crypto';
import { migrateLibsql, openLibsql } from '../../src/db/libsql';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';

/**
 * The audit trail's own defences, on both drivers: the triggers refuse every UPDATE but the sealing one and
 * every DELETE of a month not archived; verify finds a row changed behind the triggers' back; the anchors
 * find a chain recomputed by someone holding the database; the monthly archive is the only way rows leave.
 */

const TRIGGERS = readFileSync('migrations/0008_audit.sql', 'utf8')
  .split('--> statement-breakpoint')
  .map((s) => s.trim())
  .filter((s) => s.startsWith('-- ') || s.startsWith('CREATE TRIGGER'))
  .map((s) => s.replace(/^(--[^\n]*\n)+/, ''))
  .filter((s) => s.startsWith('CREATE TRIGGER'));

const row = (chain: string, action = 'test.write') => ({
  chain,
  tenantId: chain,
  actorId: 'system',
  actorRole: null,
  action,
  entity: 'test',
  entityId: null,
  outcome: 'ok' as const,
  requestId: null,
  clientIp: null,
  changes: JSON.stringify({ note: [null, 'x'] }),
});

async function append(db: Db, chain: string, n: number) {
  for (let i = 0; i < n; i++) await db.batch([auditInsert(db, row(chain))]);
}

/** What someone holding the database does to get past the triggers. */
async function withoutTriggers(db: Db, work: () => Promise<void>) {
  for (const name of ['audit_events_append_only_update', 'audit_events_append_only_delete', 'audit_events_append_only_insert'])
    await db.run(sql.raw(`DROP TRIGGER ${name}`));
  try {
    await work();
  } finally {
    for (const statement of TRIGGERS.filter((t) => t.includes('ON `audit_events`'))) await db.run(sql.raw(statement));
  }
}

const refused = async (work: Promise<unknown>, by = /audit_/) => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the database accepted it').toBeDefined();
  expect(String((error as Error).message) + String((error as Error & { cause?: unknown }).cause)).toMatch(by);
};

describe.each(DRIVERS)('audit trail defences on %s', (driver) => {
  const ctx = withFixture(driver);

  it('refuses UPDATE and DELETE of audit rows, and rows that do not continue the chain', async () => {
    const db = ctx.server.db;
    await append(db, 'chain-a', 3);
    const [first] = await db.select().from(auditEvents).where(eq(auditEvents.chain, 'chain-a')).orderBy(asc(auditEvents.seq)).limit(1);
    // unsealed: changing anything but the seal is refused, and so is a seal that does not link to the genesis
    await refused(db.update(auditEvents).set({ action: 'test.other' }).where(eq(auditEvents.id, first.id)));
    await refused(db.update(auditEvents).set({ prevHash: 'f'.repeat(64), hash: 'e'.repeat(64) }).where(eq(auditEvents.id, first.id)));
    await sealChain(db, 'chain-a');
    await refused(db.update(auditEvents).set({ changes: '{}' }).where(eq(auditEvents.id, first.id)));
    await refused(db.update(auditEvents).set({ hash: 'a'.repeat(64) }).where(eq(auditEvents.id, first.id)));
    await refused(db.delete(auditEvents).where(eq(auditEvents.id, first.id)));
    await refused(db.delete(auditEvents));
    // a row inserted already sealed, or with a seq that skips or repeats one
    await refused(db.insert(auditEvents).values({ ...row('chain-a'), id: 'x1', seq: 4, at: new Date().toISOString(), prevHash: 'a'.repeat(64), hash: 'b'.repeat(64) }));
    await refused(db.insert(auditEvents).values({ ...row('chain-a'), id: 'x2', seq: 9, at: new Date().toISOString() }));
    await refused(db.insert(auditEvents).values({ ...row('chain-a'), id: 'x3', seq: 2, at: new Date().toISOString() }));
    expect((await db.select().from(auditEvents).where(eq(auditEvents.chain, 'chain-a'))).length).toBe(3);
    expect((await verifyChain(db, ctx.server.auditStore, 'chain-a')).ok).toBe(true);
  });

  it('lets only an import still under way remove its staged rows: a township cannot be made importing to delete its trail', async () => {
    const db = ctx.server.db;
    const tenantId = ctx.fixture.a.tenantId;
    await db.batch([auditInsert(db, { ...row(tenantId), tenantId })]);
    await sealChain(db, tenantId);
    const count = async (chain: string) => (await db.select().from(auditEvents).where(eq(auditEvents.chain, chain))).length;
    const trail = await count(tenantId);
    await refused(db.run(sql`DELETE FROM audit_events WHERE chain = ${tenantId}`));
    // the status that unlocks the delete cannot be set on a township that exists
    await refused(db.run(sql`UPDATE tenants SET status = 'importing' WHERE id = ${tenantId}`), /tenants: a township cannot become importing/);
    await refused(db.run(sql`DELETE FROM audit_events WHERE chain = ${tenantId}`));
    // a township removed from the registry leaves its trail: a new 'importing' township cannot take its id
    const [{ county }] = await db.all<{ county: string }>(sql`SELECT county_id AS county FROM tenants WHERE id = ${tenantId}`);
    const township = (id: string) =>
      db.run(sql`INSERT INTO tenants (id, slug, name, county_id, status, created_at, updated_at) VALUES (${id}, ${id}, '试镇', ${county}, 'importing', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`);
    await append(db, 'gone-town', 2);
    await refused(township('gone-town'), /tenants: a township is imported only into an empty audit chain/);
    // an import under way may remove what it staged, but cannot rename itself onto another trail
    await township('fresh-town');
    await append(db, 'fresh-town', 2);
    await refused(db.run(sql`UPDATE tenants SET id = 'gone-town' WHERE id = 'fresh-town'`), /tenants: a township cannot become importing/);
    await db.run(sql`DELETE FROM audit_events WHERE chain = 'fresh-town'`);
    expect(await count('fresh-town')).toBe(0);
    await db.run(sql`DELETE FROM tenants WHERE id = 'fresh-town'`);
    expect(await count(tenantId)).toBe(trail);
    expect(await count('gone-town')).toBe(2);
    expect((await verifyChain(db, ctx.server.auditStore, tenantId)).ok).toBe(true);
  });

  it('keeps the chain linear under concurrent writes', async () => {
    const db = ctx.server.db;
    await Promise.all(Array.from({ length: 24 }, () => db.batch([auditInsert(db, row('chain-c'))])));
    await Promise.all([sealChain(db, 'chain-c'), sealChain(db, 'chain-c'), sealChain(db, 'chain-c')]);
    const rows = await db.select().from(auditEvents).where(eq(auditEvents.chain, 'chain-c')).orderBy(asc(auditEvents.seq));
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    const report = await verifyChain(db, ctx.server.auditStore, 'chain-c');
    expect(report).toMatchObject({ ok: true, rows: 24, sealed: 24, unsealed: 0 });
  });

  it('carries a chain to another database: inserted unsealed in seq order, re-sealed to the very same hashes', async () => {
    const rows = await ctx.server.db.select().from(auditEvents).where(eq(auditEvents.chain, 'chain-c')).orderBy(asc(auditEvents.seq));
    const { db: target, client } = await openLibsql(':memory:');
    try {
      await migrateLibsql(target);
      for (const r of rows) await target.insert(auditEvents).values({ ...r, prevHash: null, hash: null });
      await sealChain(target, 'chain-c');
      const copied = await target.select().from(auditEvents).where(eq(auditEvents.chain, 'chain-c')).orderBy(asc(auditEvents.seq));
      expect(copied.map((r) => r.hash)).toEqual(rows.map((r) => r.hash));
      expect((await verifyChain(target, ctx.server.auditStore, 'chain-c')).ok).toBe(true);
    } finally {
      client.close();
    }
  });

  it('finds a row changed behind the triggers’ back', async () => {
    const db = ctx.server.db;
    await append(db, 'chain-t', 5);
    await sealChain(db, 'chain-t');
    await withoutTriggers(db, async () => {
      await db.update(auditEvents).set({ changes: JSON.stringify({ note: [null, 'forged'] }) }).where(sql`${auditEvents.chain} = 'chain-t' and ${auditEvents.seq} = 3`);
    });
    const report = await verifyChain(db, ctx.server.auditStore, 'chain-t');
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toBe(3);
    expect(report.breaks[0]).toMatchObject({ kind: 'hash_mismatch', seq: 3 });
  });

  it('finds a chain recomputed from a forged row on by the heads anchored outside the database', async () => {
    const db = ctx.server.db;
    await append(db, 'chain-r', 4);
    await sealAndAnchor(db, ctx.server.auditStore, new Date('2026-11-30T18:00:00Z'));
    expect(await ctx.server.auditStore.get(anchorKey('chain-r', '2026-11-30'))).not.toBeNull();
    await append(db, 'chain-r', 2);
    await sealChain(db, 'chain-r');
    // the attacker rewrites row 2 and every hash after it: the chain is consistent in itself again
    await withoutTriggers(db, async () => {
      const rows = await db.select().from(auditEvents).where(eq(auditEvents.chain, 'chain-r')).orderBy(asc(auditEvents.seq));
      let prev = rows[0].hash!;
      for (const r of rows.slice(1)) {
        const forged = r.seq === 2 ? { ...r, action: 'test.innocent' } : r;
        const hash = await rowHash(forged, prev);
        await db.update(auditEvents).set({ action: forged.action, prevHash: prev, hash }).where(eq(auditEvents.id, r.id));
        prev = hash;
      }
    });
    const report = await verifyChain(db, ctx.server.auditStore, 'chain-r');
    expect(report.breaks.filter((b) => b.kind !== 'anchor_mismatch')).toEqual([]);
    expect(report.breaks).toEqual([expect.objectContaining({ kind: 'anchor_mismatch', seq: 4 })]);
    // and the anchor cannot be rewritten through the store's door
    expect(await ctx.server.auditStore.putOnce(anchorKey('chain-r', '2026-11-30'), new TextEncoder().encode('{}'))).toBe(false);
  });

  it('finds rows cut off the end of the chain below an anchored head', async () => {
    const db = ctx.server.db;
    await append(db, 'chain-x', 3);
    await sealAndAnchor(db, ctx.server.auditStore, new Date('2026-11-29T18:00:00Z'));
    await withoutTriggers(db, async () => {
      await db.delete(auditEvents).where(sql`${auditEvents.chain} = 'chain-x' and ${auditEvents.seq} = 3`);
    });
    const report = await verifyChain(db, ctx.server.auditStore, 'chain-x');
    expect(report.breaks).toEqual([expect.objectContaining({ kind: 'anchor_row_missing', seq: 3 })]);
  });

  it('finds a chain deleted behind an archive record that points at some other object', async () => {
    const db = ctx.server.db;
    const chain = 'chain-g';
    await append(db, chain, 5);
    await sealAndAnchor(db, ctx.server.auditStore, new Date('2026-11-27T18:00:00Z'));
    await append(db, chain, 2);
    await sealAndAnchor(db, ctx.server.auditStore, new Date('2026-11-28T18:00:00Z'));
    const rows = await db.select().from(auditEvents).where(eq(auditEvents.chain, chain)).orderBy(asc(auditEvents.seq));
    // the attacker records the whole chain as an archived month (the insert trigger lets a contiguous month in),
    // its object any object the store holds (here a day's anchor), with that object's checksum; then deletes the rows
    const decoy = anchorKey(chain, '2026-11-27');
    const decoyBody = (await ctx.server.auditStore.get(decoy))!;
    await db.insert(auditArchives).values({
      chain,
      month: '2026-10',
      firstSeq: 1,
      lastSeq: 7,
      headHash: rows.at(-1)!.hash!,
      rows: 7,
      objectKey: decoy,
      objectSha256: await sha256Hex(decoyBody),
      archivedAt: new Date().toISOString(),
    });
    await withoutTriggers(db, async () => {
      await db.delete(auditEvents).where(eq(auditEvents.chain, chain));
    });
    const platform = await ctx.fixture.as('platformAdmin');
    const report = (await platform.get(`/api/platform/audit/verify?chain=${chain}`)).body.chains[0];
    expect(report.ok).toBe(false);
    expect(report.breaks).toContainEqual(expect.objectContaining({ kind: 'archive_mismatch', seq: 7 }));
    // and the whole platform's verify still names the chain, though no row of it is left
    const all = (await platform.get('/api/platform/audit/verify')).body;
    expect(all.chains.find((c: { chain: string }) => c.chain === chain)).toMatchObject({ ok: false });

    // the same with an object under the month's own key that does not hold the rows recorded
    const other = 'chain-h';
    await append(db, other, 3);
    await sealChain(db, other);
    const kept = await db.select().from(auditEvents).where(eq(auditEvents.chain, other)).orderBy(asc(auditEvents.seq));
    const forgedBody = gzipSync(new TextEncoder().encode(`${JSON.stringify({ ...kept[0], action: 'test.innocent' })}\n`));
    await ctx.server.auditStore.putOnce(archiveKey(other, '2026-10'), forgedBody);
    await db.insert(auditArchives).values({
      chain: other,
      month: '2026-10',
      firstSeq: 1,
      lastSeq: 3,
      headHash: kept.at(-1)!.hash!,
      rows: 3,
      objectKey: archiveKey(other, '2026-10'),
      objectSha256: await sha256Hex(forgedBody),
      archivedAt: new Date().toISOString(),
    });
    await withoutTriggers(db, async () => {
      await db.delete(auditEvents).where(eq(auditEvents.chain, other));
    });
    expect((await platform.get(`/api/platform/audit/verify?chain=${other}`)).body.chains[0].breaks).toContainEqual(expect.objectContaining({ kind: 'archive_mismatch' }));
  });

  it('archives past months as gzip JSON Lines with their head before it prunes, and prunes nothing younger than 180 days', async () => {
    const db = ctx.server.db;
    const chain = 'chain-m';
    // rows of last spring (written as they were then: the insert trigger checks the seq, not the clock)
    for (const [i, at] of ['2026-03-02T01:00:00.000Z', '2026-03-20T01:00:00.000Z', '2026-04-05T01:00:00.000Z'].entries())
      await db.insert(auditEvents).values({ ...row(chain), id: `old-${i}`, seq: i + 1, at });
    await append(db, chain, 1);
    const before = await db.select().from(auditEvents).where(eq(auditEvents.chain, chain)).orderBy(asc(auditEvents.seq));
    const outcome = await archiveAndPrune(db, ctx.server.auditStore, new Date('2026-12-01T19:00:00Z'));
    expect(outcome.archived).toEqual(expect.arrayContaining([`${chain}/2026-03`, `${chain}/2026-04`]));
    const archives = await db.select().from(auditArchives).where(eq(auditArchives.chain, chain)).orderBy(asc(auditArchives.month));
    expect(archives.map((a) => [a.month, a.firstSeq, a.lastSeq, a.rows])).toEqual([
      ['2026-03', 1, 2, 2],
      ['2026-04', 3, 3, 1],
    ]);
    const march = gunzipSync((await ctx.server.auditStore.get(archiveKey(chain, '2026-03')))!);
    const lines = new TextDecoder().decode(march).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seq)).toEqual([1, 2]);
    expect(lines[1].hash).toBe(archives[0].headHash);
    // March and April are archived and older than 180 days: pruned; this month's row stays
    const after = await db.select().from(auditEvents).where(eq(auditEvents.chain, chain)).orderBy(asc(auditEvents.seq));
    expect(after.map((r) => r.seq)).toEqual([4]);
    expect(before).toHaveLength(4);
    // the chain still verifies from the archived head, and the records of the archives cannot be changed
    expect(await verifyChain(db, ctx.server.auditStore, chain)).toMatchObject({ ok: true, firstSeq: 4, archives: 2 });
    await refused(db.delete(auditArchives).where(eq(auditArchives.chain, chain)));
    await refused(db.update(auditArchives).set({ headHash: 'f'.repeat(64) }).where(eq(auditArchives.chain, chain)));
    // an archived month younger than 180 days keeps its rows online
    await refused(db.delete(auditEvents).where(eq(auditEvents.chain, chain)));
  });

  it('seals a row written after its chain was archived whole on to the archived head', async () => {
    const db = ctx.server.db;
    const chain = 'chain-q';
    for (const [i, at] of ['2026-03-02T01:00:00.000Z', '2026-04-05T01:00:00.000Z'].entries())
      await db.insert(auditEvents).values({ ...row(chain), id: `quiet-${i}`, seq: i + 1, at });
    await archiveAndPrune(db, ctx.server.auditStore, new Date('2026-12-01T19:00:00Z'));
    expect(await db.select().from(auditEvents).where(eq(auditEvents.chain, chain))).toEqual([]);
    const [head] = await db.select().from(auditArchives).where(and(eq(auditArchives.chain, chain), eq(auditArchives.lastSeq, 2)));
    await append(db, chain, 1);
    expect(await sealChain(db, chain)).toBe(1);
    const [sealed] = await db.select().from(auditEvents).where(eq(auditEvents.chain, chain));
    expect(sealed).toMatchObject({ seq: 3, prevHash: head.headHash });
    expect(await verifyChain(db, ctx.server.auditStore, chain)).toMatchObject({ ok: true, firstSeq: 3, archives: 2 });
  });
});
