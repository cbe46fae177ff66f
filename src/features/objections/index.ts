export { answerObjection, fileObjection, noneUnanswered, objectionsOf, unansweredCount, type ObjectionOf } from './objections';
