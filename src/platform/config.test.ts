import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_APP_SECRET, parseAppConfig, parseNodeConfig, secretProblem, underAnyKey, verifyingKeys } from './config';

const GOOD = 'Zq3kXw9RtP2mLs8VbN4cYh7JdF6gHe5aU1oIpQrStUv'; // 43 base64url characters
const HEX = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

/** The problems a ConfigError lists for an environment, or [] when it parses. */
function problems(parse: () => unknown): string[] {
  try {
    parse();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('secretProblem: what production accepts as APP_SECRET', () => {
  it.each([
    { name: 'base64url of 32 random bytes', secret: GOOD, ok: true },
    { name: 'hex of 32 random bytes', secret: HEX, ok: true },
    { name: 'padded base64 (openssl rand -base64 32)', secret: 'q1Y8Zs+2vN/3kLmW0pXr7tUe9bCaDfGh4jKiQoRsTuY=', ok: true },
    { name: 'the public development value', secret: DEV_APP_SECRET, ok: false },
    { name: '42 characters (under 32 bytes)', secret: GOOD.slice(0, 42), ok: false },
    { name: 'a short word', secret: 'secret', ok: false },
    { name: 'long but one character', secret: 'a'.repeat(64), ok: false },
    { name: 'long but a repeated pair', secret: 'ab'.repeat(32), ok: false },
    { name: 'spaces and punctuation (not base64 or hex)', secret: 'correct horse battery staple, 43 chars long!', ok: false },
  ])('$name → ok: $ok', ({ secret, ok }) => {
    expect(secretProblem(secret) === undefined).toBe(ok);
  });
});

describe('parseAppConfig', () => {
  it.each([
    { name: 'production with a good secret', env: { APP_SECRET: GOOD }, problems: [] },
    { name: 'production without a secret', env: {}, problems: ['APP_SECRET'] },
    { name: 'production with an empty secret', env: { APP_SECRET: '' }, problems: ['APP_SECRET'] },
    { name: 'production with the development secret', env: { APP_SECRET: DEV_APP_SECRET }, problems: ['APP_SECRET'] },
    { name: 'production with a short secret', env: { APP_SECRET: 'short-secret' }, problems: ['APP_SECRET'] },
    { name: 'demo without a secret', env: { DEMO_MODE: '1' }, problems: [] },
    { name: 'demo with the development secret', env: { DEMO_MODE: '1', APP_SECRET: DEV_APP_SECRET }, problems: [] },
    { name: 'DEMO_MODE=0 is production', env: { DEMO_MODE: '0' }, problems: ['APP_SECRET'] },
    { name: 'a flag that is neither 1 nor 0', env: { APP_SECRET: GOOD, INSECURE_COOKIES: 'yes' }, problems: ['INSECURE_COOKIES'] },
    { name: 'a previous secret equal to the current one (ignored)', env: { APP_SECRET: GOOD, APP_SECRET_PREVIOUS: GOOD }, problems: [] },
    { name: 'a previous secret without a current one', env: { APP_SECRET_PREVIOUS: GOOD }, problems: ['APP_SECRET', 'APP_SECRET_PREVIOUS'] },
    // published in the repository: a ballot pass or poster token anyone can sign must not be accepted in production
    { name: 'the development secret as the previous one', env: { APP_SECRET: GOOD, APP_SECRET_PREVIOUS: DEV_APP_SECRET }, problems: ['APP_SECRET_PREVIOUS'] },
    { name: 'the development secret as the previous one in demo mode', env: { DEMO_MODE: '1', APP_SECRET: GOOD, APP_SECRET_PREVIOUS: DEV_APP_SECRET }, problems: [] },
    { name: 'a base domain that is not a host name', env: { APP_SECRET: GOOD, BASE_DOMAIN: 'https://x.cn/' }, problems: ['BASE_DOMAIN'] },
    { name: 'every problem at once', env: { APP_SECRET: 'x', INSECURE_COOKIES: '2', BASE_DOMAIN: 'a b' }, problems: ['APP_SECRET', 'BASE_DOMAIN', 'INSECURE_COOKIES'] },
  ])('$name', ({ env, problems: expected }) => {
    const found = problems(() => parseAppConfig(env)).map((line) => line.split(' ')[0]);
    expect(found.sort()).toEqual(expected);
  });

  it.each([
    { name: 'production: Secure', env: { APP_SECRET: GOOD }, secure: true },
    { name: 'production, INSECURE_COOKIES=1: not Secure', env: { APP_SECRET: GOOD, INSECURE_COOKIES: '1' }, secure: false },
    { name: 'production, INSECURE_COOKIES=0: Secure', env: { APP_SECRET: GOOD, INSECURE_COOKIES: '0' }, secure: true },
    { name: 'demo: plain HTTP by default', env: { DEMO_MODE: '1' }, secure: false },
    { name: 'demo, INSECURE_COOKIES=0: Secure', env: { DEMO_MODE: '1', INSECURE_COOKIES: '0' }, secure: true },
  ])('cookies, $name', ({ env, secure }) => {
    expect(parseAppConfig(env).secureCookies).toBe(secure);
  });

  it('names the keys: current signs, previous is also tried when verifying', async () => {
    const config = parseAppConfig({ APP_SECRET: GOOD, APP_SECRET_PREVIOUS: HEX, BASE_DOMAIN: 'Xingping.Example.CN' });
    expect(config.secrets).toEqual({ current: GOOD, previous: HEX });
    expect(config.baseDomain).toBe('xingping.example.cn');
    expect(verifyingKeys(config.secrets)).toEqual([GOOD, HEX]);
    expect(await underAnyKey(config.secrets, async (key) => key === HEX)).toBe(true);
    expect(await underAnyKey({ current: GOOD }, async (key) => key === HEX)).toBe(false);
  });

  it('ignores a previous secret equal to the current one (the first step of a rotation on the Worker)', () => {
    expect(parseAppConfig({ APP_SECRET: GOOD, APP_SECRET_PREVIOUS: GOOD }).secrets).toEqual({ current: GOOD });
  });

  it('never tells the secret in its messages', () => {
    const secret = 'my-short-secret';
    expect(problems(() => parseAppConfig({ APP_SECRET: secret })).join('\n')).not.toContain(secret);
  });
});

describe('parseNodeConfig', () => {
  it('defaults to the embedded file on 127.0.0.1:8788 with the scheduler on', () => {
    expect(parseNodeConfig({ APP_SECRET: GOOD })).toMatchObject({
      database: { url: 'file:data/xingping.db' },
      host: '127.0.0.1',
      port: 8788,
      scheduler: true,
      trustProxy: false,
      secureCookies: true,
      demo: false,
    });
  });

  it.each([
    { name: 'a port that is not a number', env: { PORT: 'eighty' }, problem: 'PORT' },
    { name: 'a port out of range', env: { PORT: '70000' }, problem: 'PORT' },
    { name: 'a database URL of no known kind', env: { DATABASE_URL: 'postgres://db/x' }, problem: 'DATABASE_URL' },
    { name: 'TRUST_PROXY=on', env: { TRUST_PROXY: 'on' }, problem: 'TRUST_PROXY' },
    { name: 'NO_SCHEDULER=yes', env: { NO_SCHEDULER: 'yes' }, problem: 'NO_SCHEDULER' },
  ])('refuses $name', ({ env, problem }) => {
    expect(problems(() => parseNodeConfig({ APP_SECRET: GOOD, ...env })).map((line) => line.split(' ')[0])).toEqual([problem]);
  });

  it('reads the proxy, scheduler, address and libSQL server settings', () => {
    const config = parseNodeConfig({
      APP_SECRET: GOOD,
      TRUST_PROXY: '1',
      NO_SCHEDULER: '1',
      PORT: '9000',
      HOST: '0.0.0.0',
      DATABASE_URL: 'libsql://db.example.cn',
      DATABASE_AUTH_TOKEN: 'token',
    });
    expect(config).toMatchObject({ trustProxy: true, scheduler: false, port: 9000, host: '0.0.0.0', database: { url: 'libsql://db.example.cn', authToken: 'token' } });
  });
});
