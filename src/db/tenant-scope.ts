import { and, eq, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';

/** Any table owned by a tenant. */
export type TenantOwned = SQLiteTable & { tenantId: SQLiteColumn };
/** A tenant-owned table with a single-column id. */
export type TenantTable = TenantOwned & { id: SQLiteColumn };

/**
 * The only door to tenant-owned rows: every condition it builds starts with the tenant, and every row it
 * inserts is stamped with it, so a query that forgets the tenant cannot be written through it.
 */
export class TenantScope {
  constructor(
    readonly db: Db,
    readonly tenantId: string,
  ) {}

  /** WHERE tenant_id = ? AND ...conditions */
  where(table: TenantOwned, ...conditions: (SQL | undefined)[]): SQL {
    return and(eq(table.tenantId, this.tenantId), ...conditions) as SQL;
  }

  async find<T extends TenantTable>(table: T, id: string): Promise<T['$inferSelect'] | undefined> {
    const rows = await this.db
      .select()
      .from(table as SQLiteTable)
      .where(this.where(table, eq(table.id, id)))
      .limit(1);
    return rows[0] as T['$inferSelect'] | undefined;
  }

  insert<T extends TenantOwned>(table: T, rows: Omit<T['$inferInsert'], 'tenantId'>[]) {
    return this.db.insert(table).values(rows.map((row) => ({ ...row, tenantId: this.tenantId })) as T['$inferInsert'][]);
  }

  update<T extends TenantTable>(table: T, id: string, patch: Partial<Omit<T['$inferInsert'], 'tenantId' | 'id'>>) {
    return this.db
      .update(table)
      .set(patch as never)
      .where(this.where(table, eq(table.id, id)));
  }

  delete<T extends TenantTable>(table: T, id: string) {
    return this.db.delete(table).where(this.where(table, eq(table.id, id)));
  }
}
