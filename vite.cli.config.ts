import { defineConfig } from 'vite';

/**
 * The `corsight` command as one file for Node (dist-cli/corsight.mjs, run by bin/corsight.mjs):
 * the CLI's own modules and the engine bundled, Node's built-ins left as imports.
 */
export default defineConfig({
  build: {
    ssr: 'src/cli/node.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { entryFileNames: 'corsight.mjs', format: 'es' } },
  },
  ssr: { noExternal: true },
  // The extension's icons are not the command's.
  publicDir: false,
});
