import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env';
import { registryAudit } from '../audit/record';
import { createAccount } from '../auth/accounts';
import { newPasswordField, phoneSchema } from '../auth/routes';
import type { Db } from '../db/client';
import { accounts, members, roleGrants, villages } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { conflict, notFound } from '../platform/errors';

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(40));

/** A role in a township for a new account, or for the account that already has the phone (its password then unused). */
export const townshipAccountBody = z.discriminatedUnion('role', [
  z.object({ role: z.literal('township_admin'), phone: phoneSchema, name, password: newPasswordField }),
  z.object({ role: z.literal('village_secretary'), phone: phoneSchema, name, password: newPasswordField, villageId: z.string().check(z.minLength(1)) }),
  z.object({ role: z.literal('party_member'), phone: phoneSchema, name, password: newPasswordField, memberId: z.string().check(z.minLength(1)) }),
]);
export type TownshipAccountBody = z.infer<typeof townshipAccountBody>;

/**
 * A phone that already has an account gets a township admin's new role only if every role it holds is in this
 * township, or it holds none (a secretary or member removed and appointed again); one that also works for the
 * platform, a county or city, or another township takes no role from a township admin, who would otherwise attach
 * a role to anyone's account by its phone, read its name and see its sign-ins in this township's audit trail.
 * Refused as the phone taken, as for a new account, so that nothing is learnt of whose it is. The platform admin,
 * who sees every account, gives such a person their role in the township (`POST /api/platform/tenants/:id/accounts`).
 */
async function assertAttachableByTownship(registry: Db, phone: string, tenantId: string): Promise<void> {
  const grants = await registry
    .select({ tenantId: roleGrants.tenantId })
    .from(roleGrants)
    .innerJoin(accounts, eq(accounts.id, roleGrants.accountId))
    .where(eq(accounts.phone, phone));
  if (grants.some((grant) => grant.tenantId !== tenantId)) throw conflict('auth.phone_taken');
}

/**
 * Gives a role in the township `scope` is of: a secretary's village and a member's roster row must be the
 * township's. `by` says who gives it: a township admin only to accounts of this township (above), the platform to any.
 */
export async function grantTownshipRole(c: Context<AppEnv>, scope: TenantScope, body: TownshipAccountBody, by: 'township' | 'platform'): Promise<string> {
  let villageId: string | null = null;
  let memberId: string | null = null;
  if (body.role === 'village_secretary') {
    if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
    villageId = body.villageId;
  }
  if (body.role === 'party_member') {
    const member = await scope.find(members, body.memberId);
    if (!member) throw notFound();
    memberId = member.id;
    villageId = member.villageId;
  }
  const grant = { role: body.role, tenantId: scope.tenantId, villageId, memberId };
  return createAccount(c.var.registry, body, [grant], {
    attachIfExists: true,
    // asked again if the account appears while this one is created (two townships creating one phone at once)
    mayAttach: by === 'township' ? () => assertAttachableByTownship(c.var.registry, body.phone, scope.tenantId) : undefined,
    locale: c.var.locale,
    // the township admin's grant goes where registryAudit puts the township's registry rows; the platform's is in the
    // platform's chain, naming the township (its own chain may be in another database: one chain, one database)
    audit: (id, action, onlyIfChanged) => [
      registryAudit(c, { action, onlyIfChanged, entity: 'account', entityId: id, summary: { role: body.role, villageId, memberId, ...(by === 'platform' ? { township: scope.tenantId } : {}) } }),
    ],
  });
}
