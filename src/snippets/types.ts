import type { FixAction } from '../engine/types.ts';

export type SnippetLanguage =
  | 'javascript'
  | 'typescript'
  | 'python'
  | 'ruby'
  | 'php'
  | 'go'
  | 'java'
  | 'csharp'
  | 'json'
  | 'yaml'
  | 'nginx'
  | 'apache'
  | 'caddyfile'
  | 'haproxy';

export type StackKind = 'framework' | 'proxy' | 'cloud';

/**
 * How a stack's snippet is checked: `chromium` = run in a real server and requested by real
 * Chromium (test/verify), `syntax` = a parser/compiler checks it, `golden` = reviewed text only.
 */
export type Verification = 'chromium' | 'syntax' | 'golden';

export interface StackInfo {
  id: string;
  label: string;
  language: SnippetLanguage;
  kind: StackKind;
  /** A development-only workaround (e.g. a dev-server proxy), not a production fix. */
  devOnly?: boolean;
  verification: Verification;
}

export interface Snippet {
  stack: string;
  language: SnippetLanguage;
  /** Where the code goes, e.g. `app.js`, `settings.py`, `nginx.conf`. */
  filename: string;
  code: string;
  /** Short, stack-specific advice and pitfalls, most important first. */
  notes: string[];
}

/** The plan's policy after validation: only values that are safe and meaningful remain. */
export interface PreparedPolicy {
  targetOrigin: string | null;
  origins: string[];
  credentials: boolean;
  /** Non-safelisted methods, byte-exact, deduplicated. */
  methods: string[];
  /** Request header names, lower case, deduplicated. */
  headers: string[];
  /** Response header names to expose, deduplicated (case-insensitively). */
  expose: string[];
  maxAge?: number;
  /** True when the allowed origin must be chosen per request (several origins). */
  dynamic: boolean;
  /**
   * Values that were refused: what they were (an origin, a method...), the value as it came (from
   * a captured or imported exchange: hostile), and why. Generated code names what and why only,
   * never the value (a comment can turn into code: a Python `coding:` declaration).
   */
  rejected: RejectedValue[];
  actions: FixAction[];
  serverFixable: boolean;
}

export interface StackGenerator {
  info: StackInfo;
  /** Builds code for a policy that has at least one origin. */
  code(p: PreparedPolicy): { code: string; notes?: string[] };
  /** Where the code goes. */
  filename: string;
  /** Known pitfalls of this stack, always shown. */
  pitfalls: string[];
}

/** A plan value the snippet generators refused. */
export interface RejectedValue {
  what: 'origin' | 'method' | 'request header' | 'response header' | 'max-age';
  value: string;
  why: string;
}
