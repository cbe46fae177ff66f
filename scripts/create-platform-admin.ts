/**
 * The first platform admin of a fresh install (the only way one is made: the production server seeds nothing).
 *   npm run create-admin -- --phone 1xxxxxxxxxx --name 管理员 --password '…' --db file:data/xingping.db  (libSQL; default DATABASE_URL)
 *   node dist/create-admin.js --phone … --name … --password …                                         (a production install)
 *   npm run create-admin -- --phone … --name … --password … --sql > admin.sql                                (D1:
 *     npx wrangler d1 execute DB --remote --file admin.sql)
 */
import { parseArgs } from 'node:util';
import { createAccount } from '../src/auth/accounts';
import { hashPassword } from '../src/auth/passwords';
import { migrateLibsql, openLibsql } from '../src/db/libsql';
import { newId } from '../src/platform/ids';
import { DEMO_LOGINS, DEMO_PASSWORD } from '../src/seed/demo';

/** Why a password will not do for the platform's most powerful account (a minimal floor), or undefined. */
function passwordProblem(password: string, phone: string): string | undefined {
  if (password.length < 10) return 'at least 10 characters';
  if (password === DEMO_PASSWORD) return 'not the public demo password';
  if (password.includes(phone)) return 'not the phone number';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 2) return 'at least two of: lower-case letters, upper-case letters, digits, other characters';
  return undefined;
}

const { values } = parseArgs({
  options: { phone: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, db: { type: 'string' }, sql: { type: 'boolean' } },
});
if (!values.phone || !values.name || !values.password) {
  console.error('usage: --phone <11 digits> --name <name> --password <at least 10 characters> [--db <url> | --sql]');
  process.exit(2);
}
if (!/^1\d{10}$/.test(values.phone)) {
  console.error('--phone: a mainland mobile number of 11 digits');
  process.exit(2);
}
if (DEMO_LOGINS.some((login) => login.phone === values.phone)) {
  console.error(`--phone: ${values.phone} is one of the demo's phone numbers; use a real one`);
  process.exit(2);
}
const weak = passwordProblem(values.password, values.phone);
if (weak) {
  console.error(`--password: ${weak}`);
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
