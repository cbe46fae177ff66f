import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { MessageKey } from './i18n';

/** The one error type of the app: a machine code (a key of the message catalogue) and an HTTP status. */
/** A message parameter: plain text, or a catalogue entry translated into the caller's language. */
export type MessageParam = string | number | { message: MessageKey };

export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: MessageKey,
    readonly params: Record<string, MessageParam> = {},
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(code, options);
  }
}

export const notFound = (what: MessageKey = 'error.not_found') => new AppError(404, what);
export const forbidden = () => new AppError(403, 'error.forbidden');
export const unauthenticated = () => new AppError(401, 'error.unauthenticated');
export const conflict = (code: MessageKey, params?: Record<string, MessageParam>) =>
  new AppError(409, code, params);
export const badRequest = (code: MessageKey, params?: Record<string, MessageParam>, details?: unknown) =>
  new AppError(400, code, params, details);

/** JSON body of every failure. */
export interface Problem {
  code: string;
  message: string;
  details?: unknown;
  requestId: string;
}
