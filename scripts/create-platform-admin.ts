/**
 * The first platform admin of a fresh install (the only way one is made: the production server seeds nothing).
 *   npm run create-admin -- --phone 1xxxxxxxxxx --name 管理员 --password '…' --db file:data/xingping.db  (libSQL; default DATABASE_URL)
 *   node dist/create-admin.js --phone … --name … --password …                                         (a production install)
 *   npm run create-admin -- --phone … --name … --password … --sql > admin.sql                                (D1:
 *     npx wrangler d1 execute DB --remote --file admin.sql)
 */
import { parseArgs } from 'node:util';
import { createAccount } from '../src/auth/accounts';
import { PASSWORD_POLICY, passwordProblems } from '../src/auth/password-policy';
import { hashPassword } from '../src/auth/passwords';
import { migrateLibsql, openLibsql } from '../src/db/libsql';
import { translate } from '../src/platform/i18n';
import { newId } from '../src/platform/ids';
import { DEMO_LOGINS } from '../src/seed/demo';

const { values } = parseArgs({
  options: { phone: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, db: { type: 'string' }, sql: { type: 'boolean' } },
});
if (!values.phone || !/^1\d{10}$/.test(values.phone) || !values.name || !values.password) {
  console.error(`usage: --phone <11 digits> --name <name> --password <password> [--db <url> | --sql]
  the password: at least ${PASSWORD_POLICY.minLength} characters, ${PASSWORD_POLICY.minClasses} of lowercase, uppercase, digits and other symbols, not containing the phone number`);
  process.exit(2);
}
if (DEMO_LOGINS.some((login) => login.phone === values.phone)) {
  console.error(`--phone: ${values.phone} is one of the demo's phone numbers; use a real one`);
  process.exit(2);
}
// the same policy as every password set through the API (src/auth/password-policy.ts)
const problems = passwordProblems(values.password, values.phone);
if (problems.length) {
  for (const problem of problems) console.error(`${translate('zh-CN', problem.code, problem.params)} / ${translate('en', problem.code, problem.params)}`);
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
