/**
 * Start the CORS lab by hand: `npx tsx test/lab/serve.ts [--port N]`.
 * With --port N the app listens on N, api1 on N+1, api2 on N+2; otherwise ports are ephemeral.
 */
import { startLab } from './server.ts';

function parsePort(argv: string[]): number | undefined {
  const i = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (i < 0) return undefined;
  const arg = argv[i] ?? '';
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65533) throw new Error(`--port needs a port number, got ${raw}`);
  return n;
}

const port = parsePort(process.argv.slice(2));
const lab = await startLab(port ? { ports: { app: port, api1: port + 1, api2: port + 2 } } : {});
console.log(`Corsight CORS lab (${lab.scenarios.length} scenarios)`);
console.log(`  lab page: ${lab.pageUrl}`);
console.log(`  api1:     ${lab.origins.api1}`);
console.log(`  api2:     ${lab.origins.api2}`);
console.log('Ctrl-C to stop.');

const stop = () => {
  void lab.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
