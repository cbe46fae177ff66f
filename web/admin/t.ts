import { createT } from '../shared/i18n';
import { messages, type MessageKey } from './messages';

/** t('key', params) in the admin app's language. */
export const t = createT(messages);
export type { MessageKey };
