export { decisionRoutes } from './routes';
/** For the stars computation: the red line of matters implemented without their stages completed. */
export { villagesWithIncompleteDecisions, hasIncompleteDecisions, type VillageWithIncompleteDecisions } from './red-line';
export { PUBLIC_STAGES, judgeMeeting, meetingBody, refuseTransition, statusAfter, STAGE_KIND, type MatterStatus } from './rules';
