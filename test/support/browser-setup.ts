import { afterEach } from 'vitest';
import { failOnCspViolations } from './browser';

// run before each file of the browser lane (hooks are per file; the lane's modules are shared by a worker's files)
afterEach(failOnCspViolations);
