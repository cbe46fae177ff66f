import { afterAll, beforeAll } from 'vitest';
import { startWithFixture, type Fixture } from './fixture';
import { TEST_ENV, type Driver, type Preload, type TestServer } from './servers';

/**
 * Starts a server on `driver` with the two-township fixture for the enclosing describe block.
 * Use inside `describe.each(DRIVERS)`: `const ctx = withFixture(driver);` then `ctx.server`, `ctx.fixture`.
 * `env` and `preload` are startWithFixture's (another environment, rows the database held before the server).
 */
export function withFixture(driver: Driver, env: Record<string, string> = TEST_ENV, preload?: Preload): { server: TestServer; fixture: Fixture } {
  const ctx = {} as { server: TestServer; fixture: Fixture };
  beforeAll(async () => {
    Object.assign(ctx, await startWithFixture(driver, env, preload));
  });
  afterAll(() => ctx.server?.close());
  return ctx;
}
