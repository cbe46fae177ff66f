export { problemRoutes, insertProblem, type NewProblem } from './routes';
export { noticeWindow } from './rules';
