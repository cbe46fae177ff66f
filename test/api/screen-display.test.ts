import { describe, expect, it } from 'vitest';
import { DRIVERS } from '../support/servers';
import { withFixture } from '../support/suite';
import { answerAll, clientId, minutesFromNow, openBranchSession } from './evaluation-support';

const T = '/t/alpha/api/evaluation';

/**
 * The unattended display link of a screen: the township admin sees and rotates it; the TV opens the public
 * display route with the key and no account, and sees only what a public hall may show.
 */
describe.each(DRIVERS)('big screen display link on %s', (driver) => {
  const ctx = withFixture(driver);
  const display = (screenId: string, key: string, tenant = 'alpha') =>
    ctx.fixture.anonymous().get(`/t/${tenant}/api/evaluation/screens/${screenId}/display?key=${encodeURIComponent(key)}`);

  it('gives the admin a link that shows the running session, its QR and live counts without a login', async () => {
    const { fixture } = ctx;
    const admin = await fixture.as('adminA');
    const villageId = fixture.a.rows.villages[0].id!;
    const { screen, session } = await openBranchSession(admin, villageId, { screen: '显示一号厅' });

    const link = await admin.get(`${T}/screens/${screen.id}/display-link`);
    expect(link.status).toBe(200);
    expect(link.headers.get('cache-control')).toBe('no-store');
    expect(link.body.key).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const url = new URL(link.body.url);
    expect(url.pathname).toBe('/screen');
    expect(Object.fromEntries(url.searchParams)).toEqual({ t: 'alpha', screen: screen.id, key: link.body.key });
    // the same key every time until it is rotated (nothing is stored, it is derived)
    expect((await admin.get(`${T}/screens/${screen.id}/display-link`)).body.key).toBe(link.body.key);

    const shown = await display(screen.id, link.body.key);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.body.screen).toEqual({ id: screen.id, name: '显示一号厅' });
    expect(shown.body.next).toBeNull();
    expect(shown.body.session).toMatchObject({ id: session.id, code: session.code, villageName: '靖庄', status: 'open', live: { voters: 0, ballots: 0 } });
    expect(shown.body.session.qr.svg).toMatch(/^<svg/);
    expect(shown.body.session.qr.url).toContain(`/vote?t=alpha&c=${session.code}&k=`);
    expect(shown.body.session.qr.pin).toMatch(/^\d{6}$/);

    // a phone scans the QR from the display, votes, and the display counts it
    const phone = fixture.anonymous();
    const pass = await phone.post(`${T}/vote/${session.code}/pass`, { token: shown.body.session.qr.token });
    expect(pass.status).toBe(200);
    const vote = await phone.post(`${T}/vote/${session.code}/ballots`, {
      pass: pass.body.pass,
      clientId: clientId(),
      voter: { kind: 'villager', deviceId: 'device-display-1' },
      ballots: [{ subjectKind: 'branch', subjectId: villageId, answers: answerAll(pass.body.questionnaire.items.villager, 0), problem: '村东路灯坏了,联系13911112222' }],
    });
    expect(vote.status).toBe(201);
    const after = await display(screen.id, link.body.key);
    expect(after.body.session.live).toMatchObject({ voters: 1, ballots: 1, groups: { villager: { voters: 1, ballots: 1 } } });

    // what a public hall may show: no voter, phone, member, comment or problem
    const text = JSON.stringify(after.body);
    expect(text).not.toMatch(/1[3-9]\d{9}/);
    expect(text).not.toContain('路灯');
    expect(text).not.toMatch(/salt|voterHash|deviceId|phone|openedBy|bookedBy/i);
    for (const m of fixture.a.rows.members) expect(text).not.toContain(m.name);
    expect(Object.keys(after.body.session).sort()).toEqual(
      ['branchName', 'campaignName', 'closesAt', 'code', 'id', 'live', 'opensAt', 'qr', 'status', 'subjectKind', 'villageName', 'year'].sort(),
    );

    // closed: the slot still shows the session, with its counts and no QR
    expect((await admin.post(`${T}/sessions/${session.id}/close`)).status).toBe(200);
    const closed = await display(screen.id, link.body.key);
    expect(closed.body.session).toMatchObject({ id: session.id, status: 'closed', qr: null, live: { voters: 1 } });
  });

  it('shows the slot booked today before its session opens, then switches to the session by itself', async () => {
    const { fixture } = ctx;
    const admin = await fixture.as('adminA');
    const campaign = await admin.post(`${T}/campaigns`, { name: '支部测评(大屏)', subjectKind: 'branch' });
    const screen = await admin.post(`${T}/screens`, { name: '显示二号厅' });
    const key = (await admin.get(`${T}/screens/${screen.body.id}/display-link`)).body.key;
    const empty = await display(screen.body.id, key);
    expect(empty.body).toMatchObject({ township: '甲镇', screen: { name: '显示二号厅' }, session: null, next: null });

    const booking = await admin.post(`${T}/bookings`, {
      campaignId: campaign.body.id,
      villageId: fixture.a.rows.villages[1].id,
      screenId: screen.body.id,
      startsAt: minutesFromNow(-5),
      endsAt: minutesFromNow(60),
    });
    expect(booking.status).toBe(201);
    const waiting = await display(screen.body.id, key);
    expect(waiting.body.session).toBeNull();
    expect(waiting.body.next).toMatchObject({ villageName: '刘洼', campaignName: '支部测评(大屏)', startsAt: booking.body.startsAt, endsAt: booking.body.endsAt });

    const opened = await admin.post(`${T}/sessions`, { bookingId: booking.body.id });
    const running = await display(screen.body.id, key);
    expect(running.body.session).toMatchObject({ id: opened.body.id, villageName: '刘洼', status: 'open' });
    expect(running.body.next).toBeNull();
  });

  it('refuses a wrong, missing, revoked or other screen\'s key with 403 and an unknown screen with 404', async () => {
    const { fixture } = ctx;
    const admin = await fixture.as('adminA');
    const a = await admin.post(`${T}/screens`, { name: '显示三号厅' });
    const b = await admin.post(`${T}/screens`, { name: '显示四号厅' });
    const keyA = (await admin.get(`${T}/screens/${a.body.id}/display-link`)).body.key;
    const keyB = (await admin.get(`${T}/screens/${b.body.id}/display-link`)).body.key;
    expect(keyA).not.toBe(keyB);

    const wrong = await display(a.body.id, `${keyA.slice(0, -1)}${keyA.endsWith('A') ? 'B' : 'A'}`);
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ code: 'evaluation.display_key_invalid', message: '大屏链接无效或已更换，请向镇党委索取新的大屏链接' });
    expect((await fixture.anonymous().get(`${T}/screens/${a.body.id}/display`)).status).toBe(403);
    expect((await display(b.body.id, keyA)).status).toBe(403);
    expect((await display(a.body.id, keyB)).status).toBe(403);
    const unknown = await display('no-such-screen', keyA);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('evaluation.screen_not_found');

    // rotating revokes the old link at once; the new one works
    const rotated = await admin.post(`${T}/screens/${a.body.id}/display-link/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body.key).not.toBe(keyA);
    expect(new URL(rotated.body.url).searchParams.get('key')).toBe(rotated.body.key);
    expect((await display(a.body.id, keyA)).status).toBe(403);
    expect((await display(a.body.id, rotated.body.key)).status).toBe(200);
    expect((await admin.get(`${T}/screens/${a.body.id}/display-link`)).body.key).toBe(rotated.body.key);
    // the other screen's link is untouched
    expect((await display(b.body.id, keyB)).status).toBe(200);
    // the screens list does not carry the key version
    const list = await admin.get(`${T}/screens`);
    expect(Object.keys(list.body.items[0]).sort()).toEqual(['createdAt', 'id', 'name']);
  });

  it('keeps the link to the township admin: other roles 403, another township 404, a screen of another township 404', async () => {
    const { fixture } = ctx;
    const admin = await fixture.as('adminA');
    const screen = await admin.post(`${T}/screens`, { name: '显示五号厅' });
    const key = (await admin.get(`${T}/screens/${screen.body.id}/display-link`)).body.key;
    for (const login of ['secretaryA', 'memberA', 'countyViewer'] as const) {
      const client = await fixture.as(login);
      expect((await client.get(`${T}/screens/${screen.body.id}/display-link`)).status, login).toBe(403);
      expect((await client.post(`${T}/screens/${screen.body.id}/display-link/rotate`)).status, login).toBe(403);
    }
    const adminB = await fixture.as('adminB');
    expect((await adminB.get(`${T}/screens/${screen.body.id}/display-link`)).status).toBe(404);
    expect((await adminB.post(`${T}/screens/${screen.body.id}/display-link/rotate`)).status).toBe(404);
    // beta's admin asking beta for alpha's screen: not found, and nothing rotated
    expect((await adminB.get(`/t/beta/api/evaluation/screens/${screen.body.id}/display-link`)).status).toBe(404);
    expect((await adminB.post(`/t/beta/api/evaluation/screens/${screen.body.id}/display-link/rotate`)).status).toBe(404);
    expect((await display(screen.body.id, key)).status).toBe(200);
    // alpha's screen and key through beta's address: the screen does not exist there
    expect((await display(screen.body.id, key, 'beta')).status).toBe(404);
    const betaScreen = await adminB.post('/t/beta/api/evaluation/screens', { name: '乙镇一号厅' });
    const betaKey = (await adminB.get(`/t/beta/api/evaluation/screens/${betaScreen.body.id}/display-link`)).body.key;
    expect((await display(betaScreen.body.id, betaKey, 'beta')).status).toBe(200);
    expect((await display(betaScreen.body.id, betaKey)).status).toBe(404);
  });

  it("answers 404 to a village secretary listing another village's bookings or sessions, and lists their own", async () => {
    const { fixture } = ctx;
    const secretary = await fixture.as('secretaryA');
    const own = fixture.a.rows.villages[0].id!;
    const other = fixture.a.rows.villages[1].id!;
    for (const path of ['bookings', 'sessions']) {
      const refused = await secretary.get(`${T}/${path}?villageId=${other}`);
      expect(refused.status, path).toBe(404);
      expect(refused.body.code).toBe('rosters.village_not_found');
      const mine = await secretary.get(`${T}/${path}?villageId=${own}`);
      expect(mine.status, path).toBe(200);
      expect(mine.body.items.every((i: { villageId: string }) => i.villageId === own)).toBe(true);
      expect((await secretary.get(`${T}/${path}`)).status, path).toBe(200);
    }
    // the township's admin still narrows to any village
    const admin = await fixture.as('adminA');
    const sessions = await admin.get(`${T}/sessions?villageId=${other}`);
    expect(sessions.status).toBe(200);
    expect(sessions.body.items.length).toBeGreaterThan(0);
    expect(sessions.body.items.every((i: { villageId: string }) => i.villageId === other)).toBe(true);
  });
});
