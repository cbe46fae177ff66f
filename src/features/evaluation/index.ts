import { Hono } from '../../platform/hono';
import type { AppEnv } from '../../app-env';
import { evaluationRoutes } from './routes';
import { voteRoutes } from './voting/vote-routes';

/** Online evaluation (在线评定): staff routes under /evaluation, the phone ballot's public routes under /evaluation/vote. */
export const evaluationApi = new Hono<AppEnv>().route('/vote', voteRoutes).route('/', evaluationRoutes);

export { subjectResults, type SubjectResult, type GroupResult, type ResultFilter } from './results/results';
export { ensureDefaultQuestionnaires } from './setup/default-questionnaires';
export { endSessionsPastTheirTime } from './sessions/sessions';

/** For the demo seed and the stars computation: campaigns, sessions and ballots written as the routes write them. */
export { campaignThresholds, campaignWeights, createCampaign, getQuestionnaire, type Campaign, type Questionnaire } from './setup/campaigns';
export { createBooking, createScreen } from './schedule/bookings';
export { closeSession, openSession } from './sessions/sessions';
export { castBallots, type ResolvedVoter } from './voting/cast-ballot';
export { loadBallotContext } from './voting/vote-context';
export { composite, groupScore, itemsFor, RATER_GROUPS, raterGroupOf, scoreAnswers, starsFor, sumsOf, type RaterGroup, type Voter } from './rules';
export { branchSatisfaction, type Satisfaction } from './results/satisfaction';
/** The rotating signed QR and the member code + PIN, as the organisation-life check-in uses them too. */
export { currentQr, verifyEntry, isTypedCode, type SessionKey } from './sessions/passes';
export { qrTiming } from './sessions/sessions';
export { verifyMemberPin } from './voting/member-pins';
