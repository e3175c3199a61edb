export { STACKS, actionNotes, findStack, generateSnippet } from './registry.ts';
export type { StackId } from './registry.ts';
export type { Snippet, SnippetLanguage, StackInfo, StackKind, Verification } from './types.ts';
export * as escape from './escape.ts';
