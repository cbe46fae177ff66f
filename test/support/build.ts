import { inject } from 'vitest';
import { testBuildAt } from './builds';

/** This run's build, made by the global setup: `TEST_BUILD.worker`, `.web`, `.node`. */
export const TEST_BUILD = testBuildAt(inject('testBuild'));
