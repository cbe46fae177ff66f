import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, tenants } from '../../src/db/schema';
import { migrateLibsql, openLibsql } from '../../src/db/libsql';
import { DEV_APP_SECRET } from '../../src/platform/config';
import { TEST_BUILD } from '../support/build';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/seed/demo';

/**
 * The production entry as an operator runs it: the built dist/node.js (bundled by the test build, builds.ts) as a child
 * process on a new database file, with the environment and nothing else. No demo, no account, demo logins
 * refused; no start without a proper APP_SECRET or while a demo login still works; purge-demo is the way out.
 */
const OUT = TEST_BUILD.node;
const SECRET = 'Zq3kXw9RtP2mLs8VbN4cYh7JdF6gHe5aU1oIpQrStUv';
const EXIT_REFUSED = 78;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('the production entry (node dist/node.js)', () => {
  let dir: string;
  let dbUrl: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xingping-prod-'));
    dbUrl = `file:${join(dir, 'xingping.db')}`;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Only what an operator would set: no DEMO_MODE, no INSECURE_COOKIES, nothing inherited from the test run. */
  const environment = (extra: Record<string, string>) => ({ PATH: process.env.PATH ?? '', DATABASE_URL: dbUrl, HOST: '127.0.0.1', NO_SCHEDULER: '1', ...extra });

  /** Runs a built script to its end. */
  function run(script: string, args: string[], env: Record<string, string>): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(OUT, script), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** Starts the server; resolves once it listens (with a stop function) or when it exits first. */
  function start(extra: Record<string, string>): Promise<{ origin?: string; stop: () => Promise<Run>; exited?: Run }> {
    return new Promise((resolve, reject) => {
      void freePort().then((port) => {
        const child = spawn(process.execPath, [join(OUT, 'node.js')], { env: environment({ PORT: String(port), ...extra }), stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        const ended = new Promise<Run>((done) => child.on('exit', (code) => done({ code, stdout, stderr })));
        const stop = () => (child.kill('SIGTERM'), ended);
        const timer = setTimeout(() => reject(new Error(`no start within 20 s:\n${stdout}\n${stderr}`)), 20_000);
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          if (stdout.includes(`on http://127.0.0.1:${port}`)) {
            clearTimeout(timer);
            resolve({ origin: `http://127.0.0.1:${port}`, stop });
          }
        });
        child.stderr.on('data', (chunk) => (stderr += chunk));
        void ended.then((exited) => {
          clearTimeout(timer);
          resolve({ stop, exited });
        });
      });
    });
  }

  const login = (origin: string, phone: string, password: string) =>
    fetch(`${origin}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ phone, password }),
    });

  async function counts() {
    const { db, client } = await openLibsql(dbUrl);
    try {
      const [[t], [a]] = await Promise.all([db.select({ n: count() }).from(tenants), db.select({ n: count() }).from(accounts)]);
      return { tenants: t.n, accounts: a.n };
    } finally {
      client.close();
    }
  }

  // the other rules of a setting are tables in src/platform/config.test.ts; these are the ones an operator meets first
  it.each<{ name: string; env: Record<string, string>; says: RegExp }>([
    { name: 'without APP_SECRET', env: {}, says: /APP_SECRET must be set/ },
    { name: 'with the development APP_SECRET', env: { APP_SECRET: DEV_APP_SECRET }, says: /APP_SECRET is the public development value/ },
    { name: 'with a short APP_SECRET', env: { APP_SECRET: 'a-secret-of-only-28-characts' }, says: /APP_SECRET is 28 characters/ },
  ])('refuses to start $name, with one clear message and before touching the database', async ({ env, says }) => {
    const { exited } = await start(env);
    expect(exited?.code).toBe(EXIT_REFUSED);
    expect(exited?.stderr).toMatch(/^星评 xingping will not start: /);
    expect(exited?.stderr).toMatch(says);
    expect(exited?.stderr).not.toContain(SECRET);
    expect(existsSync(join(dir, 'xingping.db'))).toBe(false);
  });

  it('starts on an empty database with no township, no account, demo logins refused and Secure cookies', async () => {
    const server = await start({ APP_SECRET: SECRET });
    expect(server.exited).toBeUndefined();
    try {
      const origin = server.origin!;
      expect(await (await fetch(`${origin}/api/health`)).json()).toEqual({ status: 'ok' });
      for (const demo of DEMO_LOGINS) expect((await login(origin, demo.phone, DEMO_PASSWORD)).status, demo.phone).toBe(401);
      expect((await fetch(`${origin}/t/pandian/api/public/villages`)).status).toBe(404);
      expect(await counts()).toEqual({ tenants: 0, accounts: 0 });

      const created = await run('create-admin.js', ['--phone', '13912345678', '--name', '管理员', '--password', 'Strong-pass-2026'], environment({}));
      expect(created.code).toBe(0);
      const reply = await login(origin, '13912345678', 'Strong-pass-2026');
      expect(reply.status).toBe(200);
      expect(reply.headers.getSetCookie().join('\n')).toMatch(/xp_session=[^;]+;.*Secure/i);

      // a backup while it runs; a restore refused until it stops, the database untouched
      const backups = join(dir, 'backups');
      expect((await run('backup.js', ['--dir', backups], environment({}))).code).toBe(0);
      const [backup] = readdirSync(backups);
      const refused = await run('restore.js', ['--from', join(backups, backup)], environment({}));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^restore refused, nothing changed: a server is using .*xingping\.db: stop it first \(pid \d+ on [^\n]*\n$/);
      expect(readdirSync(dir).filter((name) => name.includes('before-restore'))).toEqual([]);
      expect((await login(origin, '13912345678', 'Strong-pass-2026')).status).toBe(200);
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
    // stopped, its mark is gone: the restore goes through
    const backups = join(dir, 'backups');
    const restored = await run('restore.js', ['--from', join(backups, readdirSync(backups)[0])], environment({}));
    expect([restored.code, restored.stderr]).toEqual([0, '']);
  });

  it('a server killed without its stop leaves a mark that a restore finds stale', async () => {
    const marks = `${join(dir, 'xingping.db')}.servers`;
    mkdirSync(marks, { recursive: true });
    // the mark of a process that has ended (a kill -9, a power cut): this host, a pid that runs nothing
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(marks, `${hostname()}-${gone.stdout}`), JSON.stringify({ host: hostname(), pid: Number(gone.stdout), since: new Date().toISOString() }));
    // another host's mark (a shared volume) cannot be checked from here: refused, with the file to delete
    const other = join(marks, 'other-host-1');
    writeFileSync(other, JSON.stringify({ host: 'other-host', pid: 1, since: new Date().toISOString() }));
    const backups = join(dir, 'backups');
    const from = join(backups, readdirSync(backups)[0]);
    const refused = await run('restore.js', ['--from', from], environment({}));
    expect(refused.stderr).toContain(`pid 1 on other-host`);
    expect(refused.stderr).toContain(`delete ${other}`);
    rmSync(other);
    expect((await run('restore.js', ['--from', from], environment({}))).code).toBe(0);
    expect(readdirSync(marks)).toEqual([]);
  });

  it('create-admin refuses a demo phone, the demo password and weak passwords', async () => {
    const attempts = [
      { phone: '13800000000', password: 'Strong-pass-2026', says: /one of the demo's phone numbers/ },
      { phone: '13912345679', password: DEMO_PASSWORD, says: /the demo password/ },
      { phone: '13912345679', password: 'Ab1-short', says: /at least 10 characters/ },
      { phone: '13912345679', password: 'onlylettershere', says: /at least 3 of/ },
      { phone: '13912345679', password: 'pw13912345679', says: /must not contain the phone number/ },
    ];
    const runs = await Promise.all(attempts.map(({ phone, password }) => run('create-admin.js', ['--phone', phone, '--name', '管理员', '--password', password], environment({}))));
    runs.forEach((refused, i) => {
      expect(refused.code, attempts[i].password).toBe(2);
      expect(refused.stderr).toMatch(attempts[i].says);
    });
    expect((await counts()).accounts).toBe(1);
  });

  it('refuses to start while a demo account opens with the demo password, and starts once purge-demo has run', async () => {
    const { db, client } = await openLibsql(dbUrl);
    await migrateLibsql(db);
    // an install that once ran as the demo (a township and an account of its own as well)
    await seedDemoIfEmpty(db, { villages: 3, liuqiaoVillages: 2, membersPerVillage: [3, 4], householdsPerVillage: [4, 6] });
    client.close();

    const refused = await start({ APP_SECRET: SECRET });
    expect(refused.exited?.code).toBe(EXIT_REFUSED);
    expect(refused.exited?.stderr).toContain('demo accounts with the public demo password (13800000000, 13800000001');
    expect(refused.exited?.stderr).toContain('npm run purge-demo');

    const purged = await run('purge-demo.js', [], environment({}));
    expect(purged.code).toBe(0);
    expect(purged.stdout).toContain('demo townships removed: pandian, liuqiao');
    expect(purged.stdout).toContain('demo accounts removed: 13800000000, 13800000001, 13800000002, 13800000003, 13800000004, 13800000005');
    expect(await counts()).toEqual({ tenants: 0, accounts: 1 });

    const server = await start({ APP_SECRET: SECRET });
    expect(server.exited).toBeUndefined();
    try {
      for (const demo of DEMO_LOGINS) expect((await login(server.origin!, demo.phone, DEMO_PASSWORD)).status, demo.phone).toBe(401);
      expect((await login(server.origin!, '13912345678', 'Strong-pass-2026')).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
