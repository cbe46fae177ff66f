/** wrangler.toml's [build] command (wrangler deploy, wrangler dev, npm start): the Worker into dist/worker (scripts/worker-bundle.ts). */
import { bundleWorker, WORKER_OUT } from './worker-bundle';

await bundleWorker();
console.log(`built ${WORKER_OUT}`);
