/**
 * A slice of the hostile pipeline in every `npm test` (test/property/hostile-pipeline.ts; the
 * 100,000-case run is `npm run fuzz:hostile`): no throw anywhere, every snippet printable ASCII
 * without a refused captured value, every distinct snippet parsed where its parser runs here.
 */
import { describe, expect, it } from 'vitest';
import { parsedLine, runHostilePipeline } from '../../property/hostile-pipeline.ts';

describe('hostile exchanges through diagnose, plans, snippets and exports', () => {
  it('1,000 cases: no failure', () => {
    const run = runHostilePipeline({ seed: 20261204, count: 1000 });
    console.log(`hostile pipeline: ${run.cases} cases, ${run.plans} plans, ${run.snippets} snippets, ${run.exports} export round trips; parsed: ${parsedLine(run)}`);
    expect(run.failures).toEqual([]);
    // The generator reaches the snippets: plans were made and JavaScript was parsed.
    expect(run.plans).toBeGreaterThan(100);
    expect(run.parsed.javascript?.parsed).toBeGreaterThan(100);
  }, 120_000);
});
