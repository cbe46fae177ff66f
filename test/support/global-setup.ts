import { buildWorker } from './build-worker';

export default async function setup() {
  await buildWorker();
}
