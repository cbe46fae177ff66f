export * from './platform';
export * from './rosters';
export * from './stars';
export * from './income';
export * from './jobs';
export * from './contact';
export * from './decisions';
export * from './ledgers';
