import { computed, signal } from '@preact/signals';
import { api, ApiProblem } from '../shared/api';

export type Role = 'platform_admin' | 'county_viewer' | 'township_admin' | 'village_secretary' | 'party_member';
export type TenantRole = Exclude<Role, 'platform_admin'>;

export interface Me {
  id: string;
  name: string;
  phone: string;
  roles: { role: Role; countyId: string | null; villageId: string | null; memberId: string | null; tenant: { id: string; slug: string; name: string } | null }[];
  /** every township of the counties the account views (county viewers) */
  countyTownships?: { id: string; slug: string; name: string }[];
}

export interface Township {
  id: string;
  slug: string;
  name: string;
  role: TenantRole;
}

/** The signed-in account: undefined while loading, null when signed out. */
export const me = signal<Me | null | undefined>(undefined);
/** The township being worked in, with the account's role there. */
export const township = signal<Township | undefined>(undefined);

export const isPlatformAdmin = computed(() => !!me.value?.roles.some((r) => r.role === 'platform_admin'));

/** Townships the account holds a role in (one entry per township). */
export const myTownships = computed(() => {
  const seen = new Map<string, { slug: string; name: string }>();
  for (const r of me.value?.roles ?? []) if (r.tenant && !seen.has(r.tenant.slug)) seen.set(r.tenant.slug, r.tenant);
  for (const tw of me.value?.countyTownships ?? []) if (!seen.has(tw.slug)) seen.set(tw.slug, tw);
  return [...seen.values()];
});

/** A village secretary works in one village only; the API enforces it, the UI offers no other. */
export const ownVillageId = computed(() => {
  const tw = township.value;
  if (tw?.role !== 'village_secretary') return undefined;
  return me.value?.roles.find((r) => r.role === 'village_secretary' && r.tenant?.slug === tw.slug)?.villageId ?? undefined;
});

/** Whether the current role may do something: the UI hides what the API would refuse. */
export function can(...roles: TenantRole[]): boolean {
  const role = township.value?.role;
  return !!role && roles.includes(role);
}

export async function loadMe(): Promise<void> {
  try {
    me.value = await api.get<Me>('/api/auth/me');
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) me.value = null;
    else throw error;
  }
}

export async function loadTownship(slug: string): Promise<void> {
  if (township.value?.slug === slug) return;
  township.value = undefined;
  township.value = await api.get<Township>(`/t/${slug}/api`);
}

export async function logout(): Promise<void> {
  await api.post('/api/auth/logout').catch(() => undefined);
  me.value = null;
  township.value = undefined;
}
