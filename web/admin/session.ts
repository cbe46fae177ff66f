import { computed, signal } from '@preact/signals';
import { ApiProblem, auth, call, tenant, type AnswerOf } from '../shared/api';
import type { Role } from '../../src/domain/vocabulary';

export type { Role } from '../../src/domain/vocabulary';
export type TenantRole = Exclude<Role, 'platform_admin'>;

/** The signed-in account, its roles and (county viewers) every township of the counties it views. */
export type Me = AnswerOf<typeof auth.me.$get>;
/** The township being worked in, with the account's role there. */
export type Township = AnswerOf<ReturnType<typeof tenant>['index']['$get']>;

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

/** The counties the account views as a county viewer (their comparison page is its home). */
export const viewedCounties = computed(() => [
  ...new Set((me.value?.roles ?? []).filter((r) => r.role === 'county_viewer' && r.countyId).map((r) => r.countyId!)),
]);

/** The county of a township the account reads as a county viewer. */
export const countyOfTownship = (slug: string): string | undefined => me.value?.countyTownships.find((tw) => tw.slug === slug)?.countyId;

/** A village secretary works in one village only; the API enforces it, the UI offers no other. */
export const ownVillageId = computed(() => {
  const tw = township.value;
  if (tw?.role !== 'village_secretary') return undefined;
  return me.value?.roles.find((r) => r.role === 'village_secretary' && r.tenant?.slug === tw.slug)?.villageId ?? undefined;
});

/** Whether the current role may do something: the UI hides what the API would refuse. */
export function can(...roles: TenantRole[]): boolean {
  const role = township.value?.role;
  return !!role && roles.some((r) => r === role);
}

export async function loadMe(): Promise<void> {
  try {
    me.value = await call(auth.me.$get());
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) me.value = null;
    else throw error;
  }
}

export async function loadTownship(slug: string): Promise<void> {
  if (township.value?.slug === slug) return;
  township.value = undefined;
  township.value = await call(tenant(slug).index.$get());
}

export async function logout(): Promise<void> {
  await call(auth.logout.$post()).catch(() => undefined);
  me.value = null;
  township.value = undefined;
}
