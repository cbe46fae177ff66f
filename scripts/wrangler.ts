import { spawn, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';

const WRANGLER = join(process.cwd(), 'node_modules/wrangler/bin/wrangler.js');

/** Local wrangler makes no outside connection: no metrics, no cf fetch, no banner. */
export const OFFLINE_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
};

/** Runs wrangler under this same Node (22, from the `node` devDependency), never the system one. */
export function wrangler(args: string[], options: SpawnOptions = {}) {
  return spawn(process.execPath, [WRANGLER, ...args], { stdio: 'inherit', env: OFFLINE_ENV, ...options });
}

export function wranglerDone(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    wrangler(args).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args.join(' ')} exited with ${code}`))));
  });
}
