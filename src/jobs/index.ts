export { CRONS, JOB_NAMES, jobForCron, nextCronTime, type JobName } from './cron';
export { listRuns, processMessage, startRun, type TenantJobMessage } from './runner';
export { runCron, scheduled, queue, type JobsEnv } from './worker';
export { jobPlatformRoutes, jobTenantRoutes } from './routes';
