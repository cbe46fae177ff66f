import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

export type { MessageKey };
export const catalogues = { 'zh-CN': zhCN, en } as const;
