/**
 * The engine benchmark's page bundle (built by scripts/bench/engine.ts): exposes the timing loop
 * with diagnose() to a Chromium page, where the engine runs in the product (the worker, the panel).
 */
import { diagnose } from '../../src/engine/index.ts';
import { timeDiagnose } from './engine-timing.ts';

(globalThis as { corsightEngineBench?: (rounds: number, perRound: number) => number[] }).corsightEngineBench = (rounds, perRound) =>
  timeDiagnose(diagnose, rounds, perRound);
