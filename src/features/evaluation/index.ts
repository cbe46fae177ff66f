import { Hono } from 'hono';
import type { AppEnv } from '../../app-env';
import { evaluationRoutes } from './routes';
import { voteRoutes } from './vote-routes';

/** Online evaluation (在线评定): staff routes under /evaluation, the phone ballot's public routes under /evaluation/vote. */
export const evaluationApi = new Hono<AppEnv>().route('/vote', voteRoutes).route('/', evaluationRoutes);

export { subjectResults, type SubjectResult, type GroupResult, type ResultFilter } from './results';
export { ensureDefaultQuestionnaires } from './default-questionnaires';
export { endSessionsPastTheirTime } from './sessions';
