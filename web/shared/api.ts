import { currentLocale } from './i18n';

/** The only failure the server cannot word for us: it was not reached. In the user's chosen language, like every page text. */
const NETWORK_DOWN = { 'zh-CN': '网络不通,请稍后再试', en: 'Network unavailable, please try again later' } as const;

/** The one way pages talk to the API: JSON in, JSON out, failures as ApiProblem (message already in the user's language). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { path?: string; message: string; row?: number; column?: string }[],
  ) {
    super(message);
  }
}

/** The tenant of this page: /t/<slug>/… in the path, else ?t=<slug>, else the host decides (empty). */
export function tenantSlug(): string {
  const fromPath = location.pathname.match(/^\/t\/([a-z0-9-]+)/)?.[1];
  return fromPath ?? new URLSearchParams(location.search).get('t') ?? '';
}

export function tenantApi(path: string, slug = tenantSlug()): string {
  return slug ? `/t/${slug}/api${path}` : `/api${path}`;
}

let signedOut: (() => void) | undefined;
/** What a page does when the API says it is not (any longer) signed in, e.g. after the idle timeout. */
export function onSignedOut(handler: () => void): void {
  signedOut = handler;
}

export async function request<T>(method: string, url: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body instanceof FormData || body === undefined ? {} : { 'content-type': 'application/json' },
      body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
      ...init,
    });
  } catch {
    throw new ApiProblem(0, 'network', NETWORK_DOWN[currentLocale()]);
  }
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => undefined)) as { code?: string; message?: string; details?: ApiProblem['details'] } | undefined;
  if (!response.ok) {
    const problem = new ApiProblem(response.status, data?.code ?? 'error', data?.message ?? response.statusText, data?.details);
    if (problem.code === 'error.unauthenticated') signedOut?.();
    throw problem;
  }
  return data as T;
}

export const api = {
  get: <T>(url: string) => request<T>('GET', url),
  post: <T>(url: string, body?: unknown) => request<T>('POST', url, body),
  put: <T>(url: string, body?: unknown) => request<T>('PUT', url, body),
  patch: <T>(url: string, body?: unknown) => request<T>('PATCH', url, body),
  delete: <T>(url: string) => request<T>('DELETE', url),
};
