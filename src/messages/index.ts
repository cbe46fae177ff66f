import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

export type { MessageKey };
export const catalogues = { 'zh-CN': zhCN, en } as const;

/** Node carries the catalogues in its bundle: nothing to load (the Worker's `#messages`, assets.ts, reads them from its assets). */
export const loadCatalogues = async (_assets?: unknown): Promise<void> => {};
