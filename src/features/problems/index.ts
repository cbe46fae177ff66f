export { problemRoutes, insertProblem, type NewProblem } from './routes';
