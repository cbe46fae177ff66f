export { problemRoutes } from './routes';
export { insertProblems, type NewProblem } from './insert-problems';
export { noticeWindow, problemAsSeen } from './rules';
export { pendingReviews } from './review-routes';
