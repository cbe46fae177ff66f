import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ballots } from '../../src/db/schema';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';
import { answerAll, clientId, openBranchSession, scan } from './evaluation-support';

const T = '/t/alpha/api/evaluation';

/**
 * Writes refuse keys they do not know instead of dropping them silently: a client bug or a probe shows
 * as a 400 whose message and details name the key. A ballot the previous phone page queued offline is
 * still taken.
 */
describe.each(DRIVERS)('strict request bodies on %s', (driver) => {
  const ctx = withFixture(driver);
  const ballotCount = async (sessionId: string) => (await ctx.server.db.select({ n: count() }).from(ballots).where(eq(ballots.sessionId, sessionId)))[0].n;

  async function ballotSetup(village = 0) {
    const admin = await ctx.fixture.as('adminA');
    const villageId = ctx.fixture.a.rows.villages[village].id!;
    const { session } = await openBranchSession(admin, villageId);
    const phone = ctx.fixture.anonymous();
    const scanned = await scan(admin, phone, session.id, session.code);
    const ballot = { subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.questionnaire.items.villager, 0) };
    const body = (deviceId: string) => ({ pass: scanned.pass, clientId: clientId(), voter: { kind: 'villager', deviceId }, ballots: [structuredClone(ballot)] });
    const send = (b: unknown, headers?: Record<string, string>) => phone.post(`${T}/vote/${session.code}/ballots`, b, headers);
    return { session, villageId, scanned, ballot, body, send };
  }

  it.each([
    ['raterGroup in a ballot (the server decides the group)', (b: any) => (b.ballots[0].raterGroup = 'self'), 'ballots.0.raterGroup', 'raterGroup'],
    ['seq at the top (the chain decides the order)', (b: any) => (b.seq = 1), 'seq', 'seq'],
    ['a member id in a villager voter', (b: any) => (b.voter.memberId = 'x'), 'voter.memberId', 'memberId'],
  ])('refuses a ballot with %s: 400 naming the key, nothing stored', async (_, change, path, key) => {
    const { session, body, send } = await ballotSetup();
    const bad = body('strict-phone-1');
    change(bad);
    const reply = await send(bad);
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('error.unknown_fields');
    expect(reply.body.message).toContain(key);
    expect(reply.body.details).toEqual([{ path, message: `不认识的字段 ${key}` }]);
    expect(await ballotCount(session.id)).toBe(0);
    // the same ballot without it is taken
    expect((await send(body('strict-phone-1'))).status).toBe(201);
  });

  it('lists an unknown key among other problems, in the caller’s language', async () => {
    const { body, send } = await ballotSetup(1);
    const bad = { ...body('strict-phone-2'), clientId: '!', extra: true };
    const reply = await send(bad, { 'accept-language': 'en' });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('error.validation');
    expect(reply.body.details).toEqual(expect.arrayContaining([{ path: 'extra', message: 'Unknown field extra' }, expect.objectContaining({ path: 'clientId' })]));
  });

  it('keeps a very long unknown key out of the message (named, cut short)', async () => {
    const { body, send } = await ballotSetup(1);
    const reply = await send({ ...body('strict-phone-3'), ['k'.repeat(5000)]: 1 });
    expect(reply.status).toBe(400);
    expect(reply.body.message.length).toBeLessThan(200);
  });

  it('takes the bodies the previous phone page queued in its offline outbox (villager, household code, member, leader)', async () => {
    const { session, villageId, scanned, send } = await ballotSetup(2);
    // exactly what web/vote/main.tsx sent before strict bodies (unchanged since the first phone page): pass, clientId, voter, ballots
    const previous = (voter: object, extra: object = {}) => ({
      pass: scanned.pass,
      clientId: `v${crypto.randomUUID().replace(/-/g, '')}`,
      voter,
      ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(scanned.questionnaire.items.villager, 1), comment: '路灯修好了', problem: '排水沟堵了', ...extra }],
    });
    expect((await send(previous({ kind: 'villager', deviceId: `d${'a1'.repeat(16)}` }))).status).toBe(201);
    // the other voters the page sends are judged on who they are (a code that does not exist, a leader not signed in), never on their shape
    for (const voter of [
      { kind: 'villager', deviceId: `d${'b2'.repeat(16)}`, householdCode: 'NOPE' },
      { kind: 'member', memberCode: 'NOPE', pin: '123456' },
      { kind: 'member' },
      { kind: 'leader' },
    ]) {
      const reply = await send(previous(voter));
      expect([reply.status, reply.body?.code]).not.toEqual([400, expect.stringMatching(/^error\.(unknown_fields|validation)$/)]);
      expect(reply.status).toBeLessThan(500);
    }
    expect(await ballotCount(session.id)).toBeGreaterThanOrEqual(1);
  });

  it('documents every JSON body as closed (additionalProperties: false) in /api/openapi.json', async () => {
    const doc = (await ctx.fixture.anonymous().get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { type?: string; additionalProperties?: unknown } }> } }>>;
    };
    const open: string[] = [];
    let bodies = 0;
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        const schema = op.requestBody?.content['application/json']?.schema;
        if (!schema) continue;
        bodies++;
        if (schema.type === 'object' && schema.additionalProperties !== false) open.push(`${method.toUpperCase()} ${path}`);
      }
    expect(bodies).toBeGreaterThan(30);
    expect(open).toEqual([]);
  });

  it('refuses an unknown key in an admin write too, and changes nothing', async () => {
    const admin = await ctx.fixture.as('adminA');
    const before = (await admin.get(`${T}/screens`)).body.items.length;
    const reply = await admin.post(`${T}/screens`, { name: '二号厅', tenantId: ctx.fixture.b.tenantId });
    expect(reply.status).toBe(400);
    expect(reply.body.details).toEqual([{ path: 'tenantId', message: '不认识的字段 tenantId' }]);
    expect((await admin.get(`${T}/screens`)).body.items.length).toBe(before);
  });
});
