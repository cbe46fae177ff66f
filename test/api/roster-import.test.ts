import { and, count, eq } from 'drizzle-orm';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { households, members, tenants, villages } from '../../src/db/schema';
import { readTable } from '../../src/platform/tables/read-table';
import { insertRecords } from '../../src/features/rosters/import/roster-store';
import { TenantScope } from '../../src/db/tenant-scope';
import { writeXlsx } from '../../src/platform/tables/xlsx';
import { seededRandom } from '../../src/seed/random';
import { writeTownship } from '../../src/seed/write';
import { ApiClient, type Reply } from '../support/client';
import { startWithFixture, PASSWORD, type Fixture, createTestAccount } from '../support/fixture';
import { DRIVERS, type TestServer } from '../support/servers';

const MEMBER_HEADER = '村名,姓名,性别,手机号,出生年份,入党年份,支部委员,书记,后备干部';
const HOUSEHOLD_HEADER = '村名,户主,地址,手机号,人口,困难家庭,危重病人,空巢老人,留守儿童,信访户';

const utf8Bom = (text: string) => new TextEncoder().encode('\uFEFF' + text);

/** GBK bytes of a text, as Chinese Excel saves "CSV"; built by inverting the platform's GBK decoder. */
function gbk(text: string): Uint8Array {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gbk');
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  return new Uint8Array(
    [...text].flatMap((ch) => {
      if (ch.charCodeAt(0) < 0x80) return [ch.charCodeAt(0)];
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`no GBK code for ${ch}`);
      return bytes;
    }),
  );
}

const cookieOf = (client: ApiClient) =>
  [...(client as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/**
 * A multipart upload as a browser sends it. The body is serialised here (miniflare does not carry Node's
 * FormData into workerd), so both drivers receive the same bytes.
 */
async function upload(server: TestServer, client: ApiClient, path: string, bytes: Uint8Array | null, filename = 'file'): Promise<Reply> {
  const form = new FormData();
  if (bytes) form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), filename);
  const encoded = new Response(form);
  const response = await server.fetch(path, {
    method: 'POST',
    headers: { origin: 'http://127.0.0.1', cookie: cookieOf(client), 'content-type': encoded.headers.get('content-type')! },
    body: new Uint8Array(await encoded.arrayBuffer()),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** A file download as raw bytes (the JSON client would read it as text). */
async function download(server: TestServer, client: ApiClient, path: string) {
  const response = await server.fetch(path, { headers: { cookie: cookieOf(client) } });
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

const csvText = (bytes: Uint8Array) => new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');

describe.each(DRIVERS)('roster import and export on %s', (driver) => {
  let server: TestServer;
  let fixture: Fixture;
  let admin: ApiClient;
  let villageNames: string[];
  const A = '/t/alpha/api';

  const countOf = async (table: typeof members | typeof households | typeof villages, tenantId = fixture.a.tenantId) =>
    (await server.db.select({ n: count() }).from(table).where(eq(table.tenantId, tenantId)))[0].n;

  beforeAll(async () => {
    ({ server, fixture } = await startWithFixture(driver));
    admin = await fixture.as('adminA');
    villageNames = fixture.a.rows.villages.map((v) => v.name);
  });
  afterAll(() => server?.close());

  it('previews and then imports a valid UTF-8 CSV of party members', async () => {
    const file = utf8Bom(
      `${MEMBER_HEADER}\r\n${villageNames[0]},导入甲,男,13811110001,1975,2000,是,否,否\r\n${villageNames[1]},导入乙,女,138 1111 0002,1990,2015,,,是\r\n`,
    );
    const before = await countOf(members);
    const preview = await upload(server, admin, `${A}/imports/members/preview`, file, '党员.csv');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ rows: 2, valid: 2, errorCount: 0, errors: [] });
    expect(preview.body.sample[1]).toMatchObject({ row: 3, name: '导入乙', phone: '13811110002', villageName: villageNames[1], isReserveCadre: true });
    expect(await countOf(members)).toBe(before); // a preview writes nothing

    const commit = await upload(server, admin, `${A}/imports/members/commit`, file, '党员.csv');
    expect(commit.status).toBe(200);
    expect(commit.body).toEqual({ inserted: 2 });
    expect(await countOf(members)).toBe(before + 2);
    const [stored] = await server.db
      .select()
      .from(members)
      .where(and(eq(members.tenantId, fixture.a.tenantId), eq(members.name, '导入乙')));
    expect(stored).toMatchObject({ gender: 'female', phone: '13811110002', birthYear: 1990, joinedYear: 2015, isReserveCadre: true, isSecretary: false });

    const again = await upload(server, admin, `${A}/imports/members/preview`, file, '党员.csv');
    expect(again.body.errors.map((e: { code: string }) => e.code)).toEqual(['import.row.exists', 'import.row.exists']);
  });

  it('imports a file committed several times at once only once: no household twice, so no second household code', async () => {
    const file = utf8Bom(`${HOUSEHOLD_HEADER}\n${villageNames[2]},并发甲,南街1号,,3,,,,,\n${villageNames[2]},并发乙,南街2号,,2,,,,,\n`);
    const memberFile = utf8Bom(`${MEMBER_HEADER}\n${villageNames[2]},并发党员,男,13811119001,1970,1995,否,否,否\n`);
    const before = { households: await countOf(households), members: await countOf(members) };
    const commits = await Promise.all([
      ...Array.from({ length: 5 }, () => upload(server, admin, `${A}/imports/households/commit`, file, 'h.csv')),
      ...Array.from({ length: 5 }, () => upload(server, admin, `${A}/imports/members/commit`, memberFile, 'm.csv')),
    ]);
    for (const [roster, answers] of [['households', commits.slice(0, 5)], ['members', commits.slice(5)]] as const) {
      expect(answers.filter((r) => r.status === 200).map((r) => r.body), roster).toEqual([{ inserted: roster === 'households' ? 2 : 1 }]);
      // the others: refused whole, as changed meanwhile (409) or, read after the first was in, as rows already there (400)
      for (const refused of answers.filter((r) => r.status !== 200)) expect([[409, 'import.changed'], [400, 'import.has_errors']], roster).toContainEqual([refused.status, refused.body.code]);
    }
    expect(await countOf(households)).toBe(before.households + 2);
    expect(await countOf(members)).toBe(before.members + 1);
  });

  it('writes nothing from a file with any error, and says what is wrong, row by row, in Chinese', async () => {
    const file = utf8Bom(
      `${HOUSEHOLD_HEADER}\n${villageNames[0]},好户,东街1号,,3,是,否,否,否,否\n没有这个村,错户,西街,12345,3,是,,,,\n${villageNames[0]},好户,东街1号,,3,,,,,\n`,
    );
    const before = await countOf(households);
    const preview = await upload(server, admin, `${A}/imports/households/preview`, file, 'h.csv');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ rows: 3, valid: 1, errorCount: 3 });
    expect(preview.body.errors).toEqual([
      { row: 3, column: '村名', code: 'import.row.unknown_village', message: '本镇没有名为“没有这个村”的村' },
      { row: 3, column: '手机号', code: 'import.row.bad_phone', message: '“手机号”不是有效的手机号' },
      { row: 4, column: '户主', code: 'import.row.duplicate', message: '与第 2 行重复' },
    ]);

    const commit = await upload(server, admin, `${A}/imports/households/commit`, file, 'h.csv');
    expect(commit.status).toBe(400);
    expect(commit.body).toMatchObject({ code: 'import.has_errors', message: '文件中有 3 处错误，未导入任何数据' });
    expect(commit.body.details).toHaveLength(3);
    expect(await countOf(households)).toBe(before);

    const english = await upload(server, admin, `${A}/imports/households/preview?lang=en`, file, 'h.csv');
    expect(english.body.errors[2].message).toBe('Duplicate of row 2');
  });

  it('reports a missing column, an empty file, an old .xls and a non-spreadsheet as such', async () => {
    const missing = await upload(server, admin, `${A}/imports/households/preview`, utf8Bom('户主,地址\n张三,东街\n'), 'h.csv');
    expect(missing.body.errors).toEqual([{ row: 1, column: '村名', code: 'import.missing_column', message: '缺少必需的列“村名”' }]);
    const empty = await upload(server, admin, `${A}/imports/households/preview`, utf8Bom(`${HOUSEHOLD_HEADER}\n,,,\n`), 'h.csv');
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('import.empty');
    const xls = await upload(server, admin, `${A}/imports/members/commit`, new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'old.xls');
    expect(xls.body.code).toBe('import.legacy_xls');
    const png = await upload(server, admin, `${A}/imports/members/commit`, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'x.png');
    expect(png.body.code).toBe('import.unsupported_format');
    const noFile = await upload(server, admin, `${A}/imports/members/commit`, null);
    expect(noFile.status).toBe(400);
    expect(noFile.body.code).toBe('error.validation');
  });

  it('answers a hostile spreadsheet with a problem, and the server goes on (a village secretary’s upload)', async () => {
    const secretary = await fixture.as('secretaryA');
    const sheet = (sheetData: string) => zipSync({ 'xl/worksheets/sheet1.xml': strToU8(`<worksheet><sheetData>${sheetData}</sheetData></worksheet>`) });
    for (const [file, code] of [
      [sheet('<row r="300000000"/>'), 'import.table_too_large'],
      [sheet('<row r="1"><c r="ZZZZZZZ1"><v>1</v></c></row>'), 'import.table_too_large'],
      [sheet('<row r="1">'.repeat(5_000)), 'import.unsupported_format'],
      [new TextEncoder().encode('\n'.repeat(100_001)), 'import.table_too_large'],
    ] as const) {
      const reply = await upload(server, secretary, `${A}/imports/members/preview`, file, 'x.xlsx');
      expect(reply.status, code).toBe(400);
      expect(reply.body.code).toBe(code);
    }
    expect((await upload(server, secretary, `${A}/imports/members/preview`, sheet('<row r="300000000"/>'), 'x.xlsx')).body.message).toBe('文件过大：表格超过 100000 行或 1000 列');
    expect((await admin.get(`${A}/villages`)).status).toBe(200);
  });

  it('caps the rows of one import', async () => {
    const lines = Array.from({ length: 20_001 }, (_, i) => `村${i},`);
    const reply = await upload(server, admin, `${A}/imports/villages/preview`, utf8Bom(`村名,支部名称\n${lines.join('\n')}`), 'v.csv');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'import.too_many_rows', message: '一次最多导入 20000 行' });
  });

  it('imports a GBK-encoded CSV as Chinese Excel saves it', async () => {
    const file = gbk(`${HOUSEHOLD_HEADER}\r\n${villageNames[2]},郭德福,${villageNames[2]}前街8号,13822220001,5,是,否,是,否,否\r\n`);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(file)).toThrow(); // really not UTF-8
    const commit = await upload(server, admin, `${A}/imports/households/commit`, file, '农户.csv');
    expect(commit.body).toEqual({ inserted: 1 });
    const list = await admin.get(`${A}/households?q=${encodeURIComponent('郭德福')}`);
    expect(list.body.items).toEqual([
      expect.objectContaining({ headName: '郭德福', address: `${villageNames[2]}前街8号`, size: 5, isHardship: true, isEmptyNest: true, villageName: villageNames[2] }),
    ]);
  });

  it('imports an XLSX workbook with a title row above the header', async () => {
    const file = writeXlsx('村庄', [['甲镇新增村庄'], ['村名', '支部名称'], ['新立村', ''], ['和平村', '和平村党总支']]);
    const before = await countOf(villages);
    const commit = await upload(server, admin, `${A}/imports/villages/commit`, file, '村庄.xlsx');
    expect(commit.body).toEqual({ inserted: 2 });
    expect(await countOf(villages)).toBe(before + 2);
    const list = await admin.get(`${A}/villages`);
    expect(list.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: '新立村', branchName: '新立村党支部' }),
        expect.objectContaining({ name: '和平村', branchName: '和平村党总支' }),
      ]),
    );
  });

  // OOXML's escape `_xD800_` decodes to half a UTF-16 pair: stored as U+FFFD, never as bytes that are not UTF-8
  // (on which libSQL aborts the whole server reading the row back)
  it('imports a workbook whose text holds half a UTF-16 pair as U+FFFD, and the villages still list', async () => {
    const file = writeXlsx('村庄', [['村名', '支部名称'], ['新_xD800_村', '']]);
    const commit = await upload(server, admin, `${A}/imports/villages/commit`, file, '村庄.xlsx');
    expect(commit.body).toEqual({ inserted: 1 });
    const list = await admin.get(`${A}/villages`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ name: '新\uFFFD村' })]));
  });

  it('lets a village secretary import and export only their own village', async () => {
    const secretary = await fixture.as('secretaryA');
    const file = utf8Bom(`${MEMBER_HEADER}\n${villageNames[0]},书记导入,,,,,,,\n${villageNames[1]},别村的人,,,,,,,\n`);
    const preview = await upload(server, secretary, `${A}/imports/members/preview`, file, 'm.csv');
    expect(preview.body.errors).toEqual([
      { row: 3, column: '村名', code: 'import.row.other_village', message: `只能导入本村的数据，“${villageNames[1]}”不是您所在的村` },
    ]);
    const own = await upload(server, secretary, `${A}/imports/members/commit`, utf8Bom(`${MEMBER_HEADER}\n${villageNames[0]},书记导入,,,,,,,\n`), 'm.csv');
    expect(own.body).toEqual({ inserted: 1 });

    const exported = csvText((await download(server, secretary, `${A}/exports/members.csv`)).bytes).trim().split('\r\n');
    expect(exported.length).toBeGreaterThan(2);
    expect(exported.slice(1).every((line) => line.startsWith(`${villageNames[0]},`))).toBe(true);
    expect((await download(server, secretary, `${A}/exports/villages.csv`)).status).toBe(403);
  });

  it('exports CSV (UTF-8 with BOM) and XLSX that import again unchanged into another township', async () => {
    // An empty township with its own admin, to import alpha's files into.
    await writeTownship(server.db, seededRandom(1), { slug: 'gamma', name: '丙镇', countyId: fixture.countyId }, {
      villages: 0,
      membersPerVillage: [0, 0],
      householdsPerVillage: [0, 0],
    });
    const [gammaTenant] = await server.db.select().from(tenants).where(eq(tenants.slug, 'gamma'));
    await createTestAccount(server.db, { phone: '13900000099', name: 'adminC', password: PASSWORD }, [{ role: 'township_admin', tenantId: gammaTenant.id }]);
    const gamma = await new ApiClient(server).login('13900000099', PASSWORD);
    const C = '/t/gamma/api';

    const csv = await download(server, admin, `${A}/exports/members.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('党员名册-')}`);
    expect([...csv.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csvText(csv.bytes).split('\r\n')[0]).toBe(MEMBER_HEADER);
    expect(readTable(csv.bytes).filter((r) => r.some(Boolean))).toHaveLength(1 + (await countOf(members)));

    const xlsx = await download(server, admin, `${A}/exports/households.xlsx`);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(readTable(xlsx.bytes)[0].join(',')).toBe(HOUSEHOLD_HEADER);

    // Re-importing alpha's own export into alpha: every row is recognised as one already there.
    const self = await upload(server, admin, `${A}/imports/members/preview`, csv.bytes, 'members.csv');
    expect(self.body.errorCount).toBe(self.body.rows);
    expect(new Set(self.body.errors.map((e: { code: string }) => e.code))).toEqual(new Set(['import.row.exists']));

    for (const [roster, format] of [['villages', 'xlsx'], ['members', 'csv'], ['households', 'xlsx']] as const) {
      const file = await download(server, admin, `${A}/exports/${roster}.${format}`);
      const reply = await upload(server, gamma, `${C}/imports/${roster}/commit`, file.bytes, `${roster}.${format}`);
      expect(reply.status, `${roster}: ${JSON.stringify(reply.body).slice(0, 300)}`).toBe(200);
      expect(reply.body.inserted).toBe(await countOf(roster === 'villages' ? villages : roster === 'members' ? members : households));
    }
    for (const roster of ['villages', 'members', 'households']) {
      const lines = async (client: ApiClient, base: string) =>
        csvText((await download(server, client, `${base}/exports/${roster}.csv`)).bytes).split('\r\n').sort();
      expect(await lines(gamma, C), roster).toEqual(await lines(admin, A));
    }
  });

  it('stores nothing when any statement of the batch fails, even in a later chunk', async () => {
    const records = Array.from({ length: 10_000 }, (_, i) => ({ name: `原子村${i}`, branchName: `原子村${i}党支部` }));
    records.push({ name: villageNames[0], branchName: 'x' }); // refused by the unique (tenant, name) index
    const before = await countOf(villages);
    await expect(insertRecords(new TenantScope(server.db, fixture.a.tenantId), 'villages', records)).rejects.toThrow();
    expect(await countOf(villages)).toBe(before);
  });

  it('imports a file at the row cap in one atomic batch (several JSON chunks)', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `${villageNames[i % 3]},户主${i},大街${i}号,139000${String(i).padStart(5, '0')},3,否,否,否,否,否`);
    const before = await countOf(households);
    const started = Date.now();
    const commit = await upload(server, admin, `${A}/imports/households/commit`, utf8Bom(`${HOUSEHOLD_HEADER}\n${lines.join('\n')}`), 'big.csv');
    expect(commit.body).toEqual({ inserted: 20_000 });
    expect(await countOf(households)).toBe(before + 20_000);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
