/**
 * Recomputes the audit trail's hash chains and checks them against the anchors and archives outside the
 * database (docs/audit.md); exits 1 where a chain breaks, saying where:
 *   npm run audit:verify -- [--db file:data/xingping.db] [--archive data/audit-archive] [--tenant <slug> | --chain <id>]
 * (defaults: DATABASE_URL and AUDIT_ARCHIVE_DIR as the server reads them). On Cloudflare the same check is
 * GET /api/platform/audit/verify.
 */
import { eq } from 'drizzle-orm';
import { parseArgs } from 'node:util';
import { dirStore } from '../src/audit/dir-store';
import { verifyChain } from '../src/audit/verify';
import { migrateLibsql, openLibsql } from '../src/db/libsql';
import { auditEvents, PLATFORM_CHAIN, tenants } from '../src/db/schema';
import { DEFAULT_AUDIT_ARCHIVE_DIR } from '../src/platform/config';

const { values } = parseArgs({ options: { db: { type: 'string' }, archive: { type: 'string' }, tenant: { type: 'string' }, chain: { type: 'string' } } });
const { db, client } = await openLibsql(values.db);
await migrateLibsql(db);
const store = dirStore(values.archive ?? process.env.AUDIT_ARCHIVE_DIR ?? DEFAULT_AUDIT_ARCHIVE_DIR);

let chains: string[];
if (values.tenant) {
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, values.tenant));
  if (!tenant) throw new Error(`no township "${values.tenant}"`);
  chains = [tenant.id];
} else if (values.chain) chains = [values.chain];
else chains = [PLATFORM_CHAIN, ...(await db.selectDistinct({ chain: auditEvents.chain }).from(auditEvents)).map((r) => r.chain).filter((c) => c !== PLATFORM_CHAIN)];

let broken = 0;
for (const chain of chains) {
  const report = await verifyChain(db, store, chain);
  const anchor = report.latestAnchor ? `, last anchor ${report.latestAnchor.day} at seq ${report.latestAnchor.seq}` : ', no anchor yet';
  console.log(
    `${report.ok ? 'ok    ' : 'BROKEN'} ${chain}: ${report.rows} rows online (seq ${report.firstSeq ?? '-'}–${report.lastSeq ?? '-'}, ${report.unsealed} not sealed yet), ${report.archives} months archived, ${report.anchors} anchors${anchor}`,
  );
  for (const b of report.breaks) console.log(`         seq ${b.seq ?? '-'}: ${b.kind} — ${b.detail}`);
  if (!report.ok) broken++;
}
client.close();
process.exit(broken ? 1 : 0);
