import { getPlatformProxy } from 'wrangler';
import { d1Database } from '../src/db/d1';
import { seedDemoIfEmpty } from '../src/seed/demo';
import { wranglerDone } from './wrangler';

/**
 * Migrates the local D1 of wrangler.toml and seeds the demo when it is empty. `persistTo` is wrangler's
 * --persist-to (default: .wrangler/state); returns the seed's message, if it seeded.
 */
export async function prepareLocalD1(persistTo?: string): Promise<string | undefined> {
  await wranglerDone(['d1', 'migrations', 'apply', 'DB', '--local', ...(persistTo ? ['--persist-to', persistTo] : [])]);
  const proxy = await getPlatformProxy<{ DB: D1Database }>({ persist: persistTo ? { path: `${persistTo}/v3` } : true });
  try {
    return await seedDemoIfEmpty(d1Database(proxy.env.DB));
  } finally {
    await proxy.dispose();
  }
}
