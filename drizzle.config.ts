import { defineConfig } from 'drizzle-kit';

// One schema; this is the registry's migrations folder (the shard set is drizzle.shard.config.ts): wrangler applies the .sql files to D1, drizzle's migrator
// (reading meta/_journal.json) applies the same files to libSQL.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema/index.ts',
  out: './migrations',
});
