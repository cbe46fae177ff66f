// The whole schema: the registry's tables (platform, jobs) and a shard's (shard.ts), one module for the app.
export * from './platform';
export * from './jobs';
export * from './shard';
