export { transferPlatformRoutes, transferTenantRoutes, PASSPHRASE_HEADER } from './routes';
export { assertExportFits, exportTenant, exportFileName } from './export';
export { importTenant, type ImportReport } from './import';
export { secretFingerprint } from './format';
export { moveCounty, type MoveOptions, type MoveReport } from './move';
