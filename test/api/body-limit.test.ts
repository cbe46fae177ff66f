import { describe, expect, it } from 'vitest';
import { sentAgainOnReset } from '../support/client';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';

/** The JSON body limit holds whether the body's length is declared or it comes in chunks. */
describe.each(DRIVERS)('body limit on %s', (driver) => {
  const ctx = withFixture(driver);
  const chunked = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 16 * 1024) controller.enqueue(bytes.slice(i, i + 16 * 1024));
        controller.close();
      },
    });
  };
  const post = (body: BodyInit) =>
    ctx.server.fetch('/t/alpha/api/evaluation/vote/ABCDEF/pass', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1' },
      body,
      duplex: 'half',
    } as RequestInit);

  it.each([
    ['declared', (text: string) => text],
    ['chunked', chunked],
  ])('refuses an oversized %s body with 413 and takes one under the limit', async (_, as) => {
    const over = await sentAgainOnReset(() => post(as(JSON.stringify({ token: 'x'.repeat(70 * 1024) }))));
    expect(over.status).toBe(413);
    expect(((await over.json()) as { code: string }).code).toBe('error.body_too_large');
    // under the limit the request goes on to the route: an unknown session code
    const under = await post(as(JSON.stringify({ token: 'x'.repeat(20) })));
    expect(((await under.json()) as { code: string }).code).toBe('evaluation.session_not_found');
  });
});
