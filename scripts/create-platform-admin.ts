/**
 * The first platform admin of a fresh install.
 *   npm run create-admin -- --phone 13800000000 --name 管理员 --password '…' --db file:data/xingping.db   (libSQL)
 *   npm run create-admin -- --phone … --name … --password … --sql > admin.sql                                (D1:
 *     npx wrangler d1 execute DB --remote --file admin.sql)
 */
import { parseArgs } from 'node:util';
import { createAccount } from '../src/auth/accounts';
import { hashPassword } from '../src/auth/passwords';
import { migrateLibsql, openLibsql } from '../src/db/libsql';
import { newId } from '../src/platform/ids';

const { values } = parseArgs({
  options: { phone: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, db: { type: 'string' }, sql: { type: 'boolean' } },
});
if (!values.phone || !values.name || !values.password || values.password.length < 8) {
  console.error('usage: --phone <11 digits> --name <name> --password <at least 8 characters> [--db <url> | --sql]');
  process.exit(2);
}
if (values.sql) {
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const accountId = newId();
  const now = new Date().toISOString();
  const hash = await hashPassword(values.password);
  console.log(
    `INSERT INTO accounts (id, phone, name, password_hash, locale, disabled, created_at) VALUES (${quote(accountId)}, ${quote(values.phone)}, ${quote(values.name)}, ${quote(hash)}, 'zh-CN', 0, ${quote(now)});\n` +
      `INSERT INTO role_grants (id, account_id, role, created_at) VALUES (${quote(newId())}, ${quote(accountId)}, 'platform_admin', ${quote(now)});`,
  );
} else {
  const { db, client } = await openLibsql(values.db);
  await migrateLibsql(db);
  await createAccount(db, { phone: values.phone, name: values.name, password: values.password }, [{ role: 'platform_admin' }], {
    attachIfExists: true,
  });
  client.close();
  console.log(`platform admin ${values.phone} ready`);
}
