import type { TestServer } from './servers';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** An HTTP caller with its own cookie jar, as one browser would be. */
export class ApiClient {
  private cookies = new Map<string, string>();
  constructor(
    private readonly server: TestServer,
    readonly headers: Record<string, string> = {},
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Reply<T>> {
    // browsers send Origin on every POST, their page's own (the CSRF check relies on it): the URL's, as a page of that host would
    const origin = path.startsWith('http') ? new URL(path).origin : 'http://127.0.0.1';
    const headers: Record<string, string> = { origin, ...this.headers, ...extraHeaders };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await this.server.fetch(path, { method, headers, body: payload });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, value] = pair.split('=');
      if (/max-age=0/i.test(cookie) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** The Cookie header this client would send (for raw requests that must carry its session). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get = <T = any>(path: string, headers?: Record<string, string>) => this.request<T>('GET', path, undefined, headers);
  post = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => this.request<T>('POST', path, body, headers);
  put = <T = any>(path: string, body?: unknown) => this.request<T>('PUT', path, body);
  patch = <T = any>(path: string, body?: unknown) => this.request<T>('PATCH', path, body);
  delete = <T = any>(path: string) => this.request<T>('DELETE', path);

  async login(phone: string, password: string): Promise<this> {
    const reply = await this.post('/api/auth/login', { phone, password });
    if (reply.status !== 200) throw new Error(`login ${phone} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return this;
  }
}

/**
 * Sends an oversized body again when the transport resets under the answer: workerd may answer 413 before the
 * client has written the whole body and close the connection under it, and undici then reports the reset
 * (`fetch failed`) instead of the answer, a race of the transport, not of the app. Only for requests refused
 * before anything is stored (sending one twice changes nothing). Under a full run the race is lost more often
 * (three resets in a row were seen on two busy cores): up to ten tries.
 */
export async function sentAgainOnReset<T>(send: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++)
    try {
      return await send();
    } catch (error) {
      if (attempt === attempts || !/fetch failed/.test((error as Error).message)) throw error;
    }
}
