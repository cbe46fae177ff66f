export { answerObjection, fileObjection, objectionsOf, unansweredCount, type ObjectionOf } from './objections';
