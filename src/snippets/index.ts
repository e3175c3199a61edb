export { STACKS, findStack } from './catalog.ts';
export type { StackId } from './catalog.ts';
export { actionNotes, generateSnippet } from './registry.ts';
export type { Snippet, SnippetLanguage, StackInfo, StackKind, Verification } from './types.ts';
export * as escape from './escape.ts';
