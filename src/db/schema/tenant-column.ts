import { text } from 'drizzle-orm/sqlite-core';

/**
 * tenant_id of a tenant-owned row: required, and indexed first by every such table. No foreign key to
 * `tenants`: the row lives in its county's shard, the township in the registry, often another database
 * (docs/scaling.md); a tenant's rows are removed by `tenantTablesParentsFirst` in reverse, not by a cascade.
 */
export const tenantId = () => text('tenant_id').notNull();
