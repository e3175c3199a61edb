/**
 * The engine benchmark's page bundle (built by scripts/bench/engine.ts): exposes the timing loop
 * with judge() and diagnose() to a Chromium page, where the engine runs in the product (the
 * worker judges every request; the panel diagnoses the one a user opens).
 */
import { diagnose, judge } from '../../src/engine/index.ts';
import { timeEngine } from './engine-timing.ts';

(globalThis as { corsightEngineBench?: (entry: 'judge' | 'diagnose', rounds: number, perRound: number) => number[] }).corsightEngineBench = (entry, rounds, perRound) =>
  timeEngine(entry === 'judge' ? judge : diagnose, rounds, perRound);
