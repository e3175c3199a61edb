import type { Diagnosis, Verdict } from './types.ts';

/** Whether this verdict is a whole Diagnosis (diagnose()'s, with evidence and paragraphs), not judge()'s. */
export function isExplained(verdict: Verdict): verdict is Diagnosis {
  const fields = verdict as Partial<Diagnosis>;
  return Array.isArray(fields.explanation) && Array.isArray(fields.evidence);
}
