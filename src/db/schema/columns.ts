import { text } from 'drizzle-orm/sqlite-core';
import { newId } from '../../platform/ids';

/** Primary key: a time-ordered random text id (safe to merge across tenants and shards). */
export const idColumn = () => text('id').primaryKey().$defaultFn(newId);

/** UTC instant as ISO-8601 text: sortable in SQL, readable in exports. */
export const createdAt = () => text('created_at').notNull().$defaultFn(() => new Date().toISOString());
export const updatedAt = () =>
  text('updated_at')
    .notNull()
    .$defaultFn(() => new Date().toISOString())
    .$onUpdateFn(() => new Date().toISOString());
