import { afterAll, beforeAll } from 'vitest';
import { createFixture, type Fixture } from './fixture';
import { startServer, type Driver, type TestServer } from './servers';

/**
 * Starts a server on `driver` with the two-township fixture for the enclosing describe block.
 * Use inside `describe.each(DRIVERS)`: `const ctx = withFixture(driver);` then `ctx.server`, `ctx.fixture`.
 */
export function withFixture(driver: Driver): { server: TestServer; fixture: Fixture } {
  const ctx = {} as { server: TestServer; fixture: Fixture };
  beforeAll(async () => {
    ctx.server = await startServer(driver);
    ctx.fixture = await createFixture(ctx.server);
  });
  afterAll(() => ctx.server?.close());
  return ctx;
}
