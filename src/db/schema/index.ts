export * from './platform';
export * from './rosters';
