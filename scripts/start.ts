/**
 * `npm start`: build the pages, migrate the local D1 (under .wrangler/), seed the demo when empty, and
 * serve everything with `wrangler dev` on http://127.0.0.1:8787 in demo mode, making no outside connection.
 */
import { build } from 'vite';
import { prepareLocalD1 } from './local-d1';
import { DEV_APP_SECRET } from '../src/platform/config';
import { OFFLINE_ENV, wrangler } from './wrangler';

Object.assign(process.env, OFFLINE_ENV);
const PORT = process.env.PORT ?? '8787';

await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
const seeded = await prepareLocalD1();
if (seeded) console.log(seeded);

// demo mode and the public development secret reach this local Worker only (never wrangler.toml, so never `wrangler deploy`)
const DEMO_VARS = ['--var', 'DEMO_MODE:1', '--var', `APP_SECRET:${DEV_APP_SECRET}`, '--var', 'INSECURE_COOKIES:1'];
const dev = wrangler(['dev', '--local', '--ip', '127.0.0.1', '--port', PORT, ...DEMO_VARS], {
  stdio: ['inherit', 'pipe', 'inherit'],
});
dev.stdout?.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (chunk.toString().includes('Ready on')) {
    console.log(`\n星评 xingping is running: http://127.0.0.1:${PORT}/  (township 潘店镇: http://127.0.0.1:${PORT}/t/pandian/)`);
    console.log('Demo logins (password xingping2026): 13800000002 township admin 潘店镇 · 13800000003 village secretary 靖庄 · 13800000004 party member · 13800000001 county viewer 齐河县 · 13800000000 platform admin · 13800000005 township admin 刘桥镇');
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code) => process.exit(code ?? 0));
