#!/usr/bin/env node
// The `corsight` command: built by `npm run build:cli` into dist-cli/ (docs/cli.md).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist-cli/corsight.mjs', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write('corsight: the command is not built yet: run `npm run build:cli` in the corsight package first\n');
  process.exit(2);
}
await import(built);
