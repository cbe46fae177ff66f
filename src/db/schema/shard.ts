/**
 * The tables of a shard (docs/scaling.md): every tenant-owned table, the county-level ones, the audit trail
 * (each database keeps the chains of the rows it holds) and the shard's own bookkeeping. Everything in
 * index.ts except the registry (platform.ts, jobs.ts). drizzle.shard.config.ts generates migrations/shard from it.
 */
export * from './rosters';
export * from './stars';
export * from './income';
export * from './contact';
export * from './decisions';
export * from './ledgers';
export * from './evaluation';
export * from './problems';
export * from './audit';
export * from './rating';
export * from './objections';
export * from './orglife';
export * from './shard-townships';
