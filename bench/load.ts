/** Runs `count` jobs with `concurrency` in flight, timing each; returns latencies (ms) and failures. */
/**
 * The servers under test run as production does (not the demo), with a secret of their own and cookies over
 * the bench's plain HTTP.
 */
/** The benches run the demo township (seeded in demo mode), under a secret of their own. */
export const BENCH_ENV = { DEMO_MODE: '1', APP_SECRET: 'xingping-bench-secret-4Rt8Wq2Lm6Zp9Xc3Vb7Nk', INSECURE_COOKIES: '1' };

export async function runLoad(count: number, concurrency: number, job: (n: number) => Promise<void>) {
  const latencies: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        const t0 = performance.now();
        try {
          await job(n);
          latencies.push(performance.now() - t0);
        } catch (error) {
          failures.push(String(error));
        }
      }
    }),
  );
  const ended = performance.now();
  const seconds = (ended - started) / 1000;
  // started and ended (performance.now()) let loads run side by side be measured over their common span
  return { started, ended, seconds, latencies, failures, perSecond: latencies.length / seconds };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A minimal cookie-keeping JSON client for one simulated person. */
export class Caller {
  /** by name: a response sets only some (the replica bookmark's, after the login's) */
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.base + path, {
      method,
      headers: { 'content-type': 'application/json', origin: this.base, ...(this.cookies.size ? { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = response.headers.getSetCookie?.() ?? [];
    for (const cookie of set) {
      const [pair] = cookie.split(';');
      this.cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    const data = await response.json().catch(() => undefined);
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(data)}`);
    return data as T;
  }
}
