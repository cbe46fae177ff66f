import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The lanes' order without a last run's durations (a fresh clone, as CI runs): the one those durations give on
 * this machine (a browser file takes ~4.6 s on average, an api file ~2.6 s, a unit file ~40 ms). Without it the
 * lanes came by name, the browser lane in the middle of the run.
 */
const UNMEASURED_ORDER = ['browser', 'api', 'unit'];

/**
 * The order of one `npm test`: longest first, as far as the lanes allow. Vitest's own order keeps each lane's
 * files together, slowest first by the last run's durations in its cache, but takes the lanes by name, so the
 * browser lane (few files, all long) came after the api lane (many, mostly short) and its slowest files ran at
 * the end with the other cores idle. Here the lane whose files take longest on average starts first and the
 * short files of the others fill the end. Lanes stay together: a worker of the api lane keeps its workerd and its
 * imported modules only while the next file is of that lane too.
 */
export default class LongestLaneFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const lanes = new Map<string, { total: number; files: number }>();
    for (const spec of sorted) {
      const lane = lanes.get(spec.project.name) ?? { total: 0, files: 0 };
      lane.total += this.ctx.cache.getTestSpecificationResult(spec)?.duration ?? 0;
      lane.files++;
      lanes.set(spec.project.name, lane);
    }
    const mean = (spec: TestSpecification) => lanes.get(spec.project.name)!.total / lanes.get(spec.project.name)!.files;
    const measured = [...lanes.values()].some((lane) => lane.total > 0);
    const rank = (spec: TestSpecification) => (measured ? -mean(spec) : UNMEASURED_ORDER.indexOf(spec.project.name));
    // a stable sort: each lane keeps vitest's order within it
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
