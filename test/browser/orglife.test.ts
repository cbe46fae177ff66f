import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, shown, startBrowserApp, type BrowserApp, docsScreenshot, signIn } from '../support/browser';

/** a 1×1 PNG standing in for the phone's photo of the meeting */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** The organisation-life page in Chromium: a village secretary records a meeting on a phone. */
describe.skipIf(!browserAvailable())('organisation life in the browser', () => {
  let app: BrowserApp;
  let phone: BrowserContext;

  beforeAll(async () => {
    app = await startBrowserApp();
    phone = await app.newContext({ width: 360, height: 740 });
  }, 90_000);
  afterAll(() => app?.close());

  it('lets a secretary on a 360 px phone record a meeting, its attendance and a photo, with the check-in QR shown', async () => {
    const page = phone.pages()[0] ?? (await phone.newPage());
    await signIn(page, 'secretaryA');
    await page.waitForURL('**/t/alpha/home');
    await page.goto('/t/alpha/orglife');
    await shown(page.getByRole('heading', { name: '组织生活记录', level: 1 }));
    await page.getByRole('button', { name: '记录会议' }).click();
    await page.getByLabel('会议类型').selectOption('assembly');
    // the whole of today, so that the QR is shown at any hour of the run
    await page.getByLabel('开始时间').fill('00:00');
    await page.getByLabel('结束时间').fill('23:59');
    await page.getByLabel('主题').fill('学习贯彻全会精神');
    await page.getByLabel('地点').fill('村党群服务中心');
    await page.getByLabel('会议记录').fill('书记领学，党员交流发言。');
    await page.getByRole('button', { name: '保存' }).click();

    // the meeting opens: the QR for the members' phones, and the roster to mark
    await shown(page.getByRole('heading', { name: '学习贯彻全会精神' }));
    await shown(page.locator('.checkin-qr svg'));
    const roster = app.fixture.a.rows.members.filter((m) => m.villageId === app.fixture.a.rows.villages[0].id);
    const [first, second] = [...roster].sort((a, b) => a.name.localeCompare(b.name));
    await page.getByLabel(first.name, { exact: true }).selectOption('present');
    await page.getByLabel(second.name, { exact: true }).selectOption('leave');
    await page.getByLabel(`${second.name} 请假事由`).fill('外出务工');
    await page.getByRole('button', { name: '保存参会情况' }).click();
    await shown(page.getByRole('status').getByText('已保存'));
    await page.getByLabel('添加照片').setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: Buffer.from(PIXEL, 'base64') });
    await shown(page.locator('.photos img'));
    await docsScreenshot(page, 'orglife-phone.png', { fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // what the page recorded, as the API reads it back
    const secretary = await app.fixture.as('secretaryA');
    const list = await secretary.get('/t/alpha/api/orglife/meetings');
    expect(list.body.items[0]).toMatchObject({ topic: '学习贯彻全会精神', kind: 'assembly', attendance: { present: 1, leave: 1 } });
    const detail = await secretary.get(`/t/alpha/api/orglife/meetings/${list.body.items[0].id}`);
    expect(detail.body.attendance.find((a: { memberId: string }) => a.memberId === second.id)).toMatchObject({ status: 'leave', reason: '外出务工' });
    // re-encoded on the phone: the PNG arrives as a JPEG
    expect(detail.body.photos[0].contentType).toBe('image/jpeg');
  });

  it('lets a party member check in from the meeting’s QR on their own phone', async () => {
    const secretary = await app.fixture.as('secretaryA');
    const meeting = (await secretary.get('/t/alpha/api/orglife/meetings')).body.items[0];
    const qr = await secretary.get(`/t/alpha/api/orglife/meetings/${meeting.id}/checkin-qr`);
    const link = new URL(qr.body.url);
    expect(link.pathname).toBe('/t/alpha/checkin');
    const member = await app.newContext({ width: 360, height: 740 });
    const page = member.pages()[0] ?? (await member.newPage());
    await signIn(page, 'memberA');
    await page.waitForURL('**/t/alpha/home');
    await page.goto(link.pathname + link.search);
    await page.getByRole('button', { name: '我已到会，签到' }).click();
    await shown(page.getByRole('status').getByText(/已签到：学习贯彻全会精神/));
    const detail = await secretary.get(`/t/alpha/api/orglife/meetings/${meeting.id}`);
    const memberId = app.fixture.a.rows.members.find((m) => m.villageId === app.fixture.a.rows.villages[0].id)!.id;
    expect(detail.body.attendance.find((a: { memberId: string }) => a.memberId === memberId)).toMatchObject({ status: 'present' });
    expect(detail.body.attendance.find((a: { memberId: string }) => a.memberId === memberId).checkedInAt).not.toBeNull();
  });
});
