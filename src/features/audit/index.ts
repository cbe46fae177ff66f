/** 审计日志: reading the audit trail (township, county, platform), its exports and its verification. */
export { auditRoutes, platformAuditRoutes } from './routes';
