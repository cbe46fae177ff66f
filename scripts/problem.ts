import type { AppError } from '../src/platform/errors';
import { translate } from '../src/platform/i18n';

/** A refusal as a command-line script prints it: the code, then the message in Chinese and in English. */
export const problemLine = (error: AppError) => `${error.code}: ${translate('zh-CN', error.code, error.params)} / ${translate('en', error.code, error.params)}`;
