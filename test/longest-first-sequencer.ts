/**
 * A vitest sequencer that starts the named files first, in the order given, so that on two
 * workers the longest files do not end up last (on a fresh clone vitest has no durations yet and
 * starts the largest files first). Other files keep vitest's own order; projects keep theirs.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export function longestFirst(files: readonly string[]): typeof BaseSequencer {
  return class LongestFirstSequencer extends BaseSequencer {
    override async sort(specs: TestSpecification[]): Promise<TestSpecification[]> {
      const rank = (spec: TestSpecification) => {
        const at = files.indexOf(path.relative(spec.project.config.root, spec.moduleId));
        return at < 0 ? files.length : at;
      };
      // Projects stay in vitest's order (groups run one after the other); within one, a stable sort.
      const sorted = await super.sort(specs);
      const projects = [...new Set(sorted.map((spec) => spec.project.name))];
      return projects.flatMap((name) => sorted.filter((spec) => spec.project.name === name).sort((a, b) => rank(a) - rank(b)));
    }
  };
}
