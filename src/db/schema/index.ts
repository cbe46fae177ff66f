export * from './platform';
export * from './rosters';
export * from './stars';
export * from './income';
export * from './jobs';
