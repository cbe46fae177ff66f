import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/platform/time';
import { startWithFixture, type Fixture } from '../support/fixture';
import { documentedReads, type DocumentedRead } from '../support/openapi';
import { DRIVERS, type TestServer } from '../support/servers';

/**
 * What a county viewer reads of the people of a township: names and counts, never how to reach them
 * (phones), where they live (addresses), a household's circumstances (care tags: 困难家庭, 空巢老人…),
 * visit records, sign-off signatures or dispute parties. The suite walks every GET route of the OpenAPI
 * document that a county viewer may call, with real ids and queries, and walks each answer's JSON.
 */

const today = shanghaiDate();
const month = today.slice(0, 7);
const year = Number(today.slice(0, 4));
const SIGNATURE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Keys that carry personal details, wherever they appear in an answer. */
const PERSONAL_KEYS = new Set([
  'phone',
  'address',
  'idCard',
  'careTags',
  'isHardship',
  'isCriticallyIll',
  'isEmptyNest',
  'isLeftBehind',
  'isPetitioner',
  'parties',
  'evidence',
  'findings',
  'request',
]);
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

/** Every personal key, mobile number or known private text found in a JSON value, with where it was. */
function leaks(value: unknown, secrets: string[], at = '$'): string[] {
  if (typeof value === 'string') {
    const found = secrets.find((s) => value.includes(s));
    return MOBILE.test(value) || found ? [`${at}: ${value.slice(0, 60)}`] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => leaks(v, secrets, `${at}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, v]) => (PERSONAL_KEYS.has(key) ? [`${at}.${key}`] : leaks(v, secrets, `${at}.${key}`)));
  return [];
}

describe.each(DRIVERS)('county viewer privacy on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let operations: DocumentedRead[];
  let villageA: string;
  let secrets: string[];
  const base = '/t/alpha/api';

  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    villageA = fixture.a.rows.villages[0].id!;
    operations = await documentedReads(fixture.anonymous());

    // personal data in village A of alpha: care tags, contact links, a visit, a sign-off, a dispute's parties
    const admin = await fixture.as('adminA');
    const villageHouseholds = fixture.a.rows.households.filter((h) => h.villageId === villageA);
    const villageMembers = fixture.a.rows.members.filter((m) => m.villageId === villageA);
    const [household] = villageHouseholds;
    const tagged = await admin.put(`${base}/households/${household.id}`, {
      villageId: villageA,
      headName: household.headName,
      address: '靖庄村东街17号',
      phone: '13712345678',
      size: 3,
      isHardship: true,
      isEmptyNest: true,
    });
    expect(tagged.status).toBe(200);
    const committee = villageMembers.find((m) => m.isCommittee)!;
    const member = villageMembers.find((m) => m.id !== committee.id)!;
    expect((await admin.post(`${base}/contact/member-links`, { committeeMemberId: committee.id, memberId: member.id })).status).toBe(201);
    expect((await admin.post(`${base}/contact/household-links`, { memberId: member.id, householdId: household.id })).status).toBe(201);
    const visit = await admin.post(`${base}/contact/visits`, {
      memberId: member.id,
      householdId: household.id,
      visitedOn: today,
      category: 'poor_family',
      findings: '老伴住院,家中缺劳力',
      request: '申请临时救助',
    });
    expect(visit.status).toBe(201);
    // what the visit found goes on the branch's problem list (its text, by default): still the household's, not the
    // county's, in the list and in the branch's evaluation report (a campaign of the year, for the walk to read it)
    expect((await admin.post(`${base}/contact/visits/${visit.body.id}/problem`, {})).status).toBe(201);
    expect((await admin.post(`${base}/evaluation/campaigns`, { name: `${year}年度村党支部星级评定`, subjectKind: 'branch' })).status).toBe(201);
    const signoff = await admin.post(`${base}/contact/signoffs`, { memberId: member.id, householdId: household.id, month, method: 'signature', evidence: SIGNATURE });
    expect(signoff.status).toBe(201);
    const dispute = await admin.post(`${base}/ledgers/disputes`, { villageId: villageA, title: '宅基地边界', parties: '王某某与赵某某', occurredOn: today });
    expect(dispute.status).toBe(201);

    secrets = [
      '靖庄村东街17号',
      '老伴住院',
      '申请临时救助',
      '王某某',
      SIGNATURE.slice(0, 40),
      ...fixture.a.rows.households.map((h) => h.address!).filter((a) => a && a.length > 3),
    ];
  });
  afterAll(() => server?.close());

  /** A path of `op` with real ids where the township has rows, and the queries it documents. */
  async function resolve(op: DocumentedRead): Promise<string | undefined> {
    const admin = await fixture.as('adminA');
    let path = op.path.replace('{tenant}', 'alpha').replace('{countyId}', fixture.countyId).replace('{year}', String(year));
    const idAt = path.indexOf('{id}');
    if (idAt >= 0) {
      const collection = path.slice(0, idAt - 1);
      const list = await admin.get(collection);
      const items = Array.isArray(list.body) ? list.body : list.body?.items;
      const id = items?.[0]?.id;
      if (!id) return undefined;
      path = path.replace('{id}', id);
    }
    if (/\{\w+\}/.test(path)) return undefined;
    const values: Record<string, string> = { villageId: villageA, year: String(year), month, subjectKind: 'branch', subjectId: villageA };
    const query = new URLSearchParams(op.query.filter((q) => values[q.name]).map((q) => [q.name, values[q.name]]));
    return query.size ? `${path}?${query}` : path;
  }

  it('finds no phone, address, care tag, visit record, signature or dispute party in any answer', async () => {
    const viewer = await fixture.as('countyViewer');
    const checked: string[] = [];
    for (const op of operations.filter((o) => o.roles.includes('county_viewer'))) {
      const path = await resolve(op);
      if (!path) continue;
      const reply = await viewer.get(path);
      expect([200, 400, 404], `${path}: ${reply.status}`).toContain(reply.status);
      if (reply.status !== 200) continue;
      expect(leaks(reply.body, secrets), path).toEqual([]);
      checked.push(op.path);
    }
    // the routes that answer with people (by name) were among those read
    for (const path of ['/members', '/members/{id}', '/households', '/households/{id}', '/contact/member-links', '/contact/household-links', '/contact/network', '/ledgers/disputes', '/ledgers/disputes/{id}', '/problems', '/evaluation/campaigns/{id}/report'])
      expect(checked, path).toContain(`/t/{tenant}/api${path}`);
    // and the county's own comparison, summary and export files
    for (const path of ['comparison', 'summary', 'comparison.csv', 'comparison.xlsx']) expect(checked, path).toContain(`/api/county/{countyId}/${path}`);
  });

  it('gives the county names and counts: households and members by name, the contact network', async () => {
    const viewer = await fixture.as('countyViewer');
    const households = await viewer.get(`${base}/households?villageId=${villageA}`);
    expect(households.body.total).toBe(fixture.a.rows.households.filter((h) => h.villageId === villageA).length);
    expect(Object.keys(households.body.items[0]).sort()).toEqual(expect.arrayContaining(['headName', 'villageName', 'size']));
    const members = await viewer.get(`${base}/members?villageId=${villageA}`);
    expect(members.body.items[0]).toMatchObject({ name: expect.any(String), isCommittee: expect.any(Boolean) });
    const links = await viewer.get(`${base}/contact/household-links?villageId=${villageA}`);
    expect(links.body.items).toEqual([expect.objectContaining({ headName: expect.any(String), memberName: expect.any(String) })]);
    const network = await viewer.get(`${base}/contact/network?villageId=${villageA}`);
    expect(network.status).toBe(200);
    expect(network.body.members.some((m: { households: number }) => m.households === 1)).toBe(true);
  });

  it('does not let a county viewer search by a phone or an address', async () => {
    const viewer = await fixture.as('countyViewer');
    const admin = await fixture.as('adminA');
    const phone = fixture.a.rows.members.find((m) => m.phone)!.phone!;
    expect((await admin.get(`${base}/members?q=${phone}`)).body.total).toBeGreaterThan(0);
    expect((await viewer.get(`${base}/members?q=${phone}`)).body.total).toBe(0);
    expect((await admin.get(`${base}/households?q=${encodeURIComponent('东街17号')}`)).body.total).toBe(1);
    expect((await viewer.get(`${base}/households?q=${encodeURIComponent('东街17号')}`)).body.total).toBe(0);
    expect((await viewer.get(`${base}/households?q=13712345678`)).body.total).toBe(0);
  });

  it('refuses the county viewer the visit records, sign-offs, coverage report and roster exports', async () => {
    const viewer = await fixture.as('countyViewer');
    const admin = await fixture.as('adminA');
    const visitId = (await admin.get(`${base}/contact/visits?villageId=${villageA}`)).body.items[0].id;
    const signoffId = (await admin.get(`${base}/contact/signoffs?villageId=${villageA}`)).body.items[0].id;
    for (const path of [
      `/contact/visits?villageId=${villageA}`,
      `/contact/visits/${visitId}`,
      `/contact/signoffs?villageId=${villageA}`,
      `/contact/signoffs/${signoffId}`,
      `/contact/coverage?villageId=${villageA}&month=${month}`,
      '/exports/members.csv',
      '/exports/members.xlsx',
      '/exports/households.csv',
      '/exports/households.xlsx',
    ]) {
      const reply = await viewer.get(`${base}${path}`);
      expect(reply.status, path).toBe(403);
      expect(reply.body.code, path).toBe('error.forbidden');
      expect(reply.body.message, path).toBe('您没有权限执行此操作');
    }
  });

  it('keeps everything for the township and the village secretary', async () => {
    for (const login of ['adminA', 'secretaryA'] as const) {
      const client = await fixture.as(login);
      const households = await client.get(`${base}/households?villageId=${villageA}`);
      const tagged = households.body.items.find((h: { address: string }) => h.address === '靖庄村东街17号');
      expect(tagged, login).toMatchObject({ phone: '13712345678', isHardship: true, isEmptyNest: true });
      const members = await client.get(`${base}/members?villageId=${villageA}`);
      expect(members.body.items.some((m: { phone: string | null }) => m.phone), login).toBe(true);
      const links = await client.get(`${base}/contact/household-links?villageId=${villageA}`);
      expect(links.body.items[0].address, login).toBe('靖庄村东街17号');
      const visits = await client.get(`${base}/contact/visits?villageId=${villageA}`);
      expect(visits.body.items[0], login).toMatchObject({ findings: '老伴住院,家中缺劳力', category: 'poor_family' });
      const coverage = await client.get(`${base}/contact/coverage?villageId=${villageA}&month=${month}`);
      expect(coverage.body.mustVisit.find((h: { headName: string }) => h.headName === tagged.headName).categories, login).toEqual(
        expect.arrayContaining(['poor_family']),
      );
      const disputes = await client.get(`${base}/ledgers/disputes?villageId=${villageA}`);
      expect(disputes.body.items[0].parties, login).toBe('王某某与赵某某');
      const csv = await client.get(`${base}/exports/households.csv`);
      expect(csv.status, login).toBe(200);
      expect(String(csv.body), login).toContain('13712345678');
    }
  });
});
