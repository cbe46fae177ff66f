import { defineConfig } from 'drizzle-kit';

// The shard set (docs/scaling.md): a database added as a shard holds only the tenant-owned tables. The
// registry's set (drizzle.config.ts, migrations/) keeps creating them too, as the registry is also shard `main`.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema/shard.ts',
  out: './migrations/shard',
});
