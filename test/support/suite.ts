import { afterAll, beforeAll } from 'vitest';
import { startWithFixture, type Fixture } from './fixture';
import type { Driver, TestServer } from './servers';

/**
 * Starts a server on `driver` with the two-township fixture for the enclosing describe block.
 * Use inside `describe.each(DRIVERS)`: `const ctx = withFixture(driver);` then `ctx.server`, `ctx.fixture`.
 */
export function withFixture(driver: Driver): { server: TestServer; fixture: Fixture } {
  const ctx = {} as { server: TestServer; fixture: Fixture };
  beforeAll(async () => {
    Object.assign(ctx, await startWithFixture(driver));
  });
  afterAll(() => ctx.server?.close());
  return ctx;
}
