import { hc, type ClientResponse, type InferRequestType } from 'hono/client';
import type { SuccessStatusCode } from 'hono/utils/http-status';
import type { AuthApi, CityApi, CountyApi, PlatformApi, TenantApi } from '../../src/app';
import { currentLocale } from './i18n';

/** The only failure the server cannot word for us: it was not reached. In the user's chosen language, like every page text. */
const NETWORK_DOWN = { 'zh-CN': '网络不通,请稍后再试', en: 'Network unavailable, please try again later' } as const;

/** The one way a failed call reaches a page: status, machine code, message already in the user's language. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { path?: string; message: string; row?: number; column?: string }[],
    /** a 429's Retry-After: the seconds to wait before asking again */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** The tenant of this page: /t/<slug>/… in the path, else ?t=<slug>, else the host decides (empty). */
export function tenantSlug(): string {
  const fromPath = location.pathname.match(/^\/t\/([a-z0-9-]+)/)?.[1];
  return fromPath ?? new URLSearchParams(location.search).get('t') ?? '';
}

/** A township's API path, for links (files, QR images) that the browser itself loads. */
export function tenantApi(path: string, slug = tenantSlug()): string {
  return slug ? `/t/${slug}/api${path}` : `/api${path}`;
}

let signedOut: (() => void) | undefined;
/** What a page does when the API says it is not (any longer) signed in, e.g. after the idle timeout. */
export function onSignedOut(handler: () => void): void {
  signedOut = handler;
}

/** How long a page waits, in all, for a township's data to come back from maintenance before it shows the error. */
const MAINTENANCE_PATIENCE_MS = 60_000;

/**
 * fetch, sent again while the server answers 503 with Retry-After: a county's data is being moved to another
 * database (维护中, docs/scaling.md), which refuses a write before doing anything, so sending it again is safe.
 */
async function patientFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const started = Date.now();
  for (;;) {
    const response = await fetch(input, init);
    const seconds = Number(response.headers.get('retry-after'));
    if (response.status !== 503 || !(seconds > 0) || Date.now() - started + seconds * 1000 > MAINTENANCE_PATIENCE_MS) return response;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
}

/**
 * The typed clients, one per area, built from the server's own route types (Hono RPC): a path, its
 * params, query and body are checked by the compiler against the route they reach. A param is put in the
 * path as given: encode what may hold more than [A-Za-z0-9_-].
 */
const options = { fetch: patientFetch };
export const tenant = (slug = tenantSlug()) => hc<TenantApi>(tenantApi('', slug), options);
export const auth = hc<AuthApi>('/api/auth', options);
export const platform = hc<PlatformApi>('/api/platform', options);
export const county = hc<CountyApi>('/api/county', options);
export const city = hc<CityApi>('/api/city', options);

/** What a successful answer carries: the JSON of its 2xx responses (undefined for 204). */
export type Answer<R> = R extends ClientResponse<infer Body, infer Status, infer _Format> ? (Status extends SuccessStatusCode ? (Status extends 204 ? undefined : Body) : never) : never;

/** The answer of a client method, e.g. `AnswerOf<typeof client.villages.$get>`. */
export type AnswerOf<Method extends (...args: never[]) => Promise<ClientResponse<unknown, number, string>>> = Answer<Awaited<ReturnType<Method>>>;
/** The JSON body a client method sends. */
export type BodyOf<Method> = InferRequestType<Method> extends { json: infer Body } ? Body : never;

/**
 * Awaits one client call: its answer, or an ApiProblem (status 0 when the server was not reached; a
 * 401 `error.unauthenticated` also tells the page it is signed out).
 */
export async function call<R extends ClientResponse<unknown, number, string>>(pending: Promise<R>): Promise<Answer<R>> {
  let response: R;
  try {
    response = await pending;
  } catch {
    throw new ApiProblem(0, 'network', NETWORK_DOWN[currentLocale()]);
  }
  if (response.status === 204) return undefined as Answer<R>;
  const data = (await response.json().catch(() => undefined)) as { code?: string; message?: string; details?: ApiProblem['details'] } | undefined;
  if (!response.ok) {
    const problem = new ApiProblem(response.status, data?.code ?? 'error', data?.message ?? response.statusText, data?.details, Number(response.headers.get('retry-after')) || undefined);
    if (problem.code === 'error.unauthenticated') signedOut?.();
    throw problem;
  }
  return data as Answer<R>;
}
