import type { Role } from '../db/schema';

export interface Grant {
  role: Role;
  countyId: string | null;
  cityId: string | null;
  tenantId: string | null;
  villageId: string | null;
  memberId: string | null;
}

export interface SessionInfo {
  sessionId: string;
  accountId: string;
  name: string;
  phone: string;
  locale: string;
  grants: Grant[];
}

/** Who is acting, with the one role that applies where they act. Cron jobs act as the system. */
export type Actor =
  | { kind: 'user'; accountId: string; name: string; role: Role; tenantId?: string; countyId?: string; villageId?: string; memberId?: string }
  | { kind: 'system' };

/** Who is recorded as having written a row: the account, or "system" for jobs. */
export function actorId(actor: Actor | undefined): string {
  return actor?.kind === 'user' ? actor.accountId : 'system';
}

const TENANT_ROLE_RANK: Role[] = ['township_admin', 'village_secretary', 'party_member'];

/** The strongest role an account holds inside one tenant (its county viewers read it too), if any. */
export function actorInTenant(session: SessionInfo, tenant: { id: string; countyId: string }): Actor | undefined {
  for (const role of TENANT_ROLE_RANK) {
    const grant = session.grants.find((g) => g.role === role && g.tenantId === tenant.id);
    if (grant)
      return {
        kind: 'user',
        accountId: session.accountId,
        name: session.name,
        role,
        tenantId: tenant.id,
        villageId: grant.villageId ?? undefined,
        memberId: grant.memberId ?? undefined,
      };
  }
  const viewer = session.grants.find((g) => g.role === 'county_viewer' && g.countyId === tenant.countyId);
  if (viewer)
    return { kind: 'user', accountId: session.accountId, name: session.name, role: 'county_viewer', countyId: tenant.countyId };
  return undefined;
}

export function platformActor(session: SessionInfo): Actor | undefined {
  return session.grants.some((g) => g.role === 'platform_admin')
    ? { kind: 'user', accountId: session.accountId, name: session.name, role: 'platform_admin' }
    : undefined;
}
