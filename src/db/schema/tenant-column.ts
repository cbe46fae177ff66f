import { text } from 'drizzle-orm/sqlite-core';
import { tenants } from './platform';

/** tenant_id of a tenant-owned row: required, and gone with its tenant. Every such table indexes it first. */
export const tenantId = () =>
  text('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });
