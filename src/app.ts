import type { Context } from 'hono';
import { Hono } from './platform/hono';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv, Bindings } from './app-env';
import { cityRoutes, ratingRoutes } from './features/rating';
import { homeRoutes } from './features/home';
import { auditRoutes, platformAuditRoutes } from './features/audit';
import { sealAfterResponse } from './audit/seal';
import type { AuditStore } from './audit/store';
import type { PhotoStore } from './platform/photo-store';
import { publicRoute } from './auth/guard';
import { authRoutes } from './auth/routes';
import { sessionMiddleware } from './auth/sessions';
import { EXPECTED_SHARD_MIGRATIONS, migrationStatus } from './db/migration-status';
import { MAIN_SHARD, UnknownShardError, type Databases } from './db/databases';
import { isForeignKeyViolation, isGuardRefusal } from './db/errors';
import { rosterRoutes } from './features/rosters';
import { contactRoutes } from './features/contact';
import { orgLifeRoutes } from './features/orglife';
import { countyRoutes } from './features/county';
import { decisionRoutes } from './features/decisions';
import { ledgerRoutes } from './features/ledgers';
import { publicRoutes, villageByName } from './features/public';
import { starsRoutes } from './features/stars';
import { incomeRoutes } from './features/income';
import { evaluationApi } from './features/evaluation';
import { problemRoutes } from './features/problems';
import { transferPlatformRoutes, transferTenantRoutes } from './features/transfer';
import { jobPlatformRoutes, jobTenantRoutes } from './jobs';
import { configOf, ConfigError, type AppConfig } from './platform/config';
import { AppError, type Problem } from './platform/errors';
import { Memo } from './platform/memo';
import { negotiateLocale, translate, type MessageKey } from './platform/i18n';
import { apiSecurityHeaders } from './platform/security-headers';
import { tenantRoutes } from './tenancy/routes';
import { registryRoutes } from './tenancy/registry-routes';
import { resolveTenant } from './tenancy/middleware';
import { sameOriginWrites } from './tenancy/same-origin';
import { carryBookmarks, openSessions, replicaReads, type OpenSessions } from './platform/replica-reads';

export interface AppDeps {
  /** the registry and the shards: D1 bindings on Workers, libSQL in Node (docs/scaling.md) */
  databases(env: Bindings): Databases;
  /** the Worker's: the same databases through D1 sessions, per request, for read replicas (docs/scaling.md); Node has none */
  sessions?: OpenSessions;
  /** the caller's address, as far as this deployment can trust it */
  clientIp(c: Context<AppEnv>): string;
  /** settings parsed at start (Node); without them, the bindings are parsed on the first request (Worker) */
  config?: AppConfig;
  /** the audit trail's anchors and archives: the R2 binding on Workers, a directory in Node */
  auditStore?(env: Bindings): AuditStore | undefined;
  /** the meeting photos: the R2 binding on Workers, a directory in Node */
  photoStore?(env: Bindings): PhotoStore | undefined;
  /** what /api/openapi.json answers (api-document.ts): built from the routes in Node, the build's copy on Workers */
  apiDocument(app: Hono<AppEnv>, env: Bindings): object | Promise<object>;
  /** what is loaded before the first request: the Worker's message catalogues (src/messages/assets.ts); Node bundles them */
  ready?(env: Bindings): Promise<void>;
}

/** Waits for what the deployment loads at start; without it, a request answers 503 (the reason is logged, not shown). */
async function ready(deps: AppDeps, env: Bindings): Promise<void> {
  try {
    await deps.ready?.(env);
  } catch (error) {
    console.error('not ready:', error);
    throw new AppError(503, 'error.not_configured');
  }
}

/** The settings of this request: a misconfigured deployment answers 503 (the reason is logged, not shown). */
function requestConfig(deps: AppDeps, env: Bindings): AppConfig {
  try {
    return deps.config ?? configOf(env ?? {});
  } catch (error) {
    if (error instanceof ConfigError) throw new AppError(503, 'error.not_configured');
    throw error;
  }
}

const JSON_LIMIT = 64 * 1024;
const UPLOAD_LIMIT = 8 * 1024 * 1024;
/** A meeting photo (5 MB, features/orglife) and its multipart envelope. */
const PHOTO_PATH = /\/orglife\/meetings\/[^/]+\/photos$/;
/** A township's export file: read as a stream (features/transfer), so the limit is Workers' own request limit. */
const TENANT_IMPORT_LIMIT = 100 * 1024 * 1024;
const TENANT_IMPORT_PATH = '/api/platform/tenants/import';

/** Routes of one township, mounted under /t/:tenant/api and, for tenant host names, under /api. */
function tenantApi() {
  return new Hono<AppEnv>().use('*', resolveTenant).route('/', tenantRoutes).route('/', rosterRoutes)
    .route('/contact', contactRoutes).route('/decisions', decisionRoutes).route('/ledgers', ledgerRoutes).route('/public', publicRoutes)
    .route('/stars', starsRoutes).route('/income', incomeRoutes).route('/', jobTenantRoutes).route('/audit', auditRoutes)
    .route('/evaluation', evaluationApi).route('/problems', problemRoutes).route('/rating', ratingRoutes).route('/home', homeRoutes)
    .route('/orglife', orgLifeRoutes)
    .route('/', transferTenantRoutes);
}

/**
 * The route groups whose GET and HEAD may read from a D1 read replica (docs/scaling.md, "Read replicas"): the
 * villages' public pages and their short address, the county's pages and the big screen; read by many, written by
 * none of their readers, and a moment behind (replica lag) is no harm there.
 */
const REPLICA_READ_ROUTES = [
  '/t/:tenant/api/public/*',
  '/api/public/*',
  '/c/*',
  '/t/:tenant/c/*',
  '/api/county/*',
  '/t/:tenant/api/evaluation/screens/:id/display',
  '/api/evaluation/screens/:id/display',
];

/** The platform admin's routes, under /api/platform. */
const platformRoutes = new Hono<AppEnv>()
  .route('/', registryRoutes)
  .route('/', jobPlatformRoutes)
  .route('/', transferPlatformRoutes)
  .route('/', platformAuditRoutes);

/** The routes of each area as the pages' typed client sees them (`hc<…>` in web/shared/api.ts): types only, nothing of the server reaches a page. */
export type TenantApi = ReturnType<typeof tenantApi>;
export type AuthApi = typeof authRoutes;
export type PlatformApi = typeof platformRoutes;
export type CountyApi = typeof countyRoutes;
export type CityApi = typeof cityRoutes;

/** The short addresses' folders, /v/ and /c/ (and a township's): the only paths with a trailing slash the app answers (each a route beside /v, /c). */
const SHORT_ADDRESS_FOLDER = /^(?:\/t\/[^/]+)?\/[vc]\/$/;

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  // one per app instance, i.e. per database: an isolate on Workers (a test's server in the tests' workerd), the
  // process (or a test's server) in Node
  const memo = new Memo();

  app.use('*', requestId());
  app.use('*', apiSecurityHeaders);
  for (const path of REPLICA_READ_ROUTES) app.use(path, replicaReads);
  app.use('*', async (c, next) => {
    c.set('locale', negotiateLocale(c.req.query('lang') ?? getCookie(c, 'lang'), c.req.header('accept-language')));
    await ready(deps, c.env);
    c.set('config', requestConfig(deps, c.env));
    const sessions = deps.sessions && (await openSessions(c, deps.sessions));
    const databases = sessions?.databases ?? deps.databases(c.env);
    c.set('databases', databases);
    c.set('registry', databases.registry);
    // until a township or county says which shard: the registry (auth, platform routes)
    c.set('db', databases.registry);
    c.set('clientIp', deps.clientIp(c));
    c.set('memo', memo);
    const auditStore = deps.auditStore?.(c.env);
    if (auditStore) c.set('auditStore', auditStore);
    const photoStore = deps.photoStore?.(c.env);
    if (photoStore) c.set('photoStore', photoStore);
    await next();
    if (sessions) await carryBookmarks(c, sessions);
  });
  // one route, one path: /x/ is answered 404 here, before any middleware reads the path (the vote pass's cookie
  // path, a body limit) with its slash, bar the short addresses' own /v/ and /c/ (the router is strict: no route
  // of /x answers /x/).
  app.use('*', async (c, next) => {
    if (c.req.path.length > 1 && c.req.path.endsWith('/') && !SHORT_ADDRESS_FOLDER.test(c.req.path)) throw new AppError(404, 'error.route_not_found');
    await next();
  });
  app.use('*', sealAfterResponse);
  app.use('*', sameOriginWrites);
  app.use('*', (c, next) => {
    const upload = c.req.path.includes('/import') || PHOTO_PATH.test(c.req.path);
    const limit = c.req.path === TENANT_IMPORT_PATH ? TENANT_IMPORT_LIMIT : upload ? UPLOAD_LIMIT : JSON_LIMIT;
    const tooLarge = () => {
      throw new AppError(413, 'error.body_too_large', { limit: limit >= 1024 * 1024 ? `${limit / 1024 / 1024} MB` : `${limit / 1024} KB` });
    };
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    // A declared length (Node and workerd hold the body to it) is checked without touching the body:
    // reading c.req.raw.body would turn @hono/node-server's lightweight request into a stream-backed one.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined)
      return Number.parseInt(length, 10) > limit ? tooLarge() : next();
    return bodyLimit({ maxSize: limit, onError: tooLarge })(c, next);
  });
  app.use('*', sessionMiddleware);

  app.route('/api/auth', authRoutes);
  app.route('/api/platform', platformRoutes);
  app.route('/api/county', countyRoutes);
  app.route('/api/city', cityRoutes);
  // one per app instance: building it is ~200 ms of CPU, which no anonymous caller may spend at will
  let document: object | undefined;
  app.get('/api/openapi.json', publicRoute(), async (c) => c.json((document ??= await deps.apiDocument(app, c.env))));
  // for load balancers and the container's HEALTHCHECK: no login, nothing but whether this instance can serve
  app.get('/api/health', publicRoute(), async (c) => {
    const { databases } = c.var;
    let statuses: { applied: number; expected: number }[];
    try {
      // the registry (also shard main) by its own migrations, every other shard by the shard set's
      statuses = await Promise.all(
        databases.shardNames.map((name) => (name === MAIN_SHARD ? migrationStatus(databases.registry) : migrationStatus(databases.shard(name), EXPECTED_SHARD_MIGRATIONS))),
      );
    } catch (error) {
      console.error(`[${c.var.requestId}] health: database unreachable`, error);
      throw new AppError(503, 'health.database_unreachable');
    }
    const behind = statuses.find((status) => status.applied !== status.expected);
    if (behind) throw new AppError(503, 'health.migrations_pending', behind);
    return c.json({ status: 'ok' as const });
  });
  // the short typeable address of a session, for the big screen's fallback and posters: /v/<CODE> (the host
  // says the township) or /t/<slug>/v/<CODE> → the phone ballot; without a usable code, its page to type one
  const shortAddress = (slug: string | undefined, code: string | undefined) => {
    const query = new URLSearchParams();
    if (slug && /^[a-z0-9-]{1,40}$/.test(slug)) query.set('t', slug);
    const typed = (code ?? '').toUpperCase().replace(/[^0-9A-Z]/g, '').slice(0, 12);
    if (typed) query.set('c', typed);
    return `/vote${query.size ? `?${query}` : ''}`;
  };
  for (const path of ['/v', '/v/', '/v/:code'])
    app.get(path, publicRoute(), (c) => c.redirect(shortAddress(undefined, c.req.param('code')), 302));
  for (const path of ['/t/:tenant/v', '/t/:tenant/v/', '/t/:tenant/v/:code'])
    app.get(path, publicRoute(), (c) => c.redirect(shortAddress(c.req.param('tenant'), c.req.param('code')), 302));
  for (const path of ['/c', '/c/', '/c/:name', '/t/:tenant/c', '/t/:tenant/c/', '/t/:tenant/c/:name'])
    app.get(path, publicRoute(), resolveTenant, villageByName);
  const tenant = tenantApi();
  app.route('/t/:tenant/api', tenant);
  app.route('/api', tenant);

  app.notFound((c) => problem(c, new AppError(404, 'error.route_not_found')));
  app.onError((error, c) => problem(c, error));
  return app;
}

/** Hono's own middleware (JSON parsing, body limit) throws HTTPException; these are their codes. */
const HTTP_EXCEPTION_CODES: Record<number, MessageKey | undefined> = {
  400: 'error.bad_json',
  403: 'error.forbidden',
  413: 'error.body_too_large',
};

function problem(c: Context<AppEnv>, error: unknown) {
  const locale = c.var.locale ?? 'zh-CN';
  const requestId = c.var.requestId ?? '';
  let appError: AppError;
  if (error instanceof AppError) appError = error;
  else if (error instanceof HTTPException && HTTP_EXCEPTION_CODES[error.status])
    appError = new AppError(error.status as 400, HTTP_EXCEPTION_CODES[error.status]!, { limit: '64 KB' });
  // the database kept a row that other records still name (nothing was written): a conflict, not a crash
  else if (isForeignKeyViolation(error)) appError = new AppError(409, 'error.in_use');
  // another request wrote first and a batch's guard refused this one whole, where its handler did not say why (a
  // read after it served by a replica that has not seen the other write yet): a conflict, nothing was written
  else if (isGuardRefusal(error)) appError = new AppError(409, 'error.conflict');
  // the shard map names a shard this deployment was not given: a configuration fault, said once in the log
  else if (error instanceof UnknownShardError) {
    console.error(`[${requestId}]`, error.message);
    appError = new AppError(503, 'error.not_configured');
  }
  else {
    // Unexpected: log it with the request id; the caller sees only a generic message.
    console.error(`[${requestId}]`, error);
    appError = new AppError(500, 'error.internal');
  }
  const body: Problem = {
    code: appError.code,
    message: translate(locale, appError.code, appError.params),
    ...(appError.details !== undefined ? { details: appError.details } : {}),
    requestId,
  };
  if ((appError.status === 429 || appError.status === 503) && appError.params.seconds) c.header('Retry-After', String(appError.params.seconds));
  return c.json(body, appError.status);
}
