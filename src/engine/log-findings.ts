/**
 * Findings that no single exchange can show, read across a whole log (a tab's, or a file's): a
 * server that let two different page origins read its answers with credentials, each answer's
 * Access-Control-Allow-Origin being exactly the Origin that request sent. An allow-list of
 * several origins looks the same from outside; a server that copies any Origin into the header
 * lets every site read the user's data. The finding says what was seen and how to tell them
 * apart (`corsight check --probe`). Pure.
 */
import { getHeader } from './headers.ts';
import type { Exchange, HttpHeader } from './types.ts';
import { parseUrl } from './url.ts';

export interface EchoedOriginsFinding {
  id: 'echoes-origins-with-credentials';
  severity: 'warning';
  /** The server (scheme://host[:port]). */
  server: string;
  /** The page origins it answered with their own Origin and credentials, in the order seen (at most 10). */
  origins: string[];
  /** It also answered Access-Control-Allow-Private-Network: true to one of them. */
  privateNetwork: boolean;
  text: string;
}

const MAX_ORIGINS = 10;

/** The Origin a hop's request carried: its own header, else the exchange's. */
function sentOrigin(exchange: Exchange, headers: readonly HttpHeader[] | undefined): string | null {
  return getHeader(headers, 'origin') ?? getHeader(exchange.requestHeaders, 'origin');
}

/** The same, fed one exchange at a time (a file read as a stream): memory bounded by servers x 10 origins. */
export class EchoedOrigins {
  private readonly byServer = new Map<string, { origins: string[]; privateNetwork: boolean }>();

  add(exchange: Exchange): void {
    const answers: Array<{ url: string; headers?: readonly HttpHeader[]; response?: { headers: readonly HttpHeader[] } }> = exchange.hops.map((h) => ({ url: h.url, headers: h.requestHeaders, response: h.response }));
    if (exchange.preflight.kind === 'sent') answers.push({ url: exchange.preflight.url, headers: exchange.preflight.requestHeaders, response: exchange.preflight.response });
    for (const answer of answers) {
      if (!answer.response) continue;
      const origin = sentOrigin(exchange, answer.headers);
      // A serialized origin only: a browser sends nothing else, and the text (a command to run,
      // among others) never carries an imported file's arbitrary value. `null` has its own
      // findings (allow-origin-null-with-credentials).
      if (!origin || parseUrl(origin)?.origin !== origin) continue;
      const acao = getHeader(answer.response.headers, 'access-control-allow-origin');
      if (acao !== origin || getHeader(answer.response.headers, 'access-control-allow-credentials') !== 'true') continue;
      const server = parseUrl(answer.url)?.origin;
      if (!server || server === 'null' || server === origin) continue;
      this.note(server, origin, getHeader(answer.response.headers, 'access-control-allow-private-network') === 'true');
    }
  }

  findings(): EchoedOriginsFinding[] {
    const out: EchoedOriginsFinding[] = [];
    for (const [server, seen] of this.byServer) {
      if (seen.origins.length < 2) continue;
      const list = seen.origins.join(', ');
      out.push({
        id: 'echoes-origins-with-credentials',
        severity: 'warning',
        server,
        origins: [...seen.origins],
        privateNetwork: seen.privateNetwork,
        text:
          `${server} let ${seen.origins.length} different origins read its answers with the user's credentials (${list}), each time naming the origin that asked. ` +
          `Fine if it checks an exact list of its own origins; if it copies any Origin, every site can read this data as the user${seen.privateNetwork ? ', and it also grants Private Network Access to them' : ''}. ` +
          `Check with: corsight check ${server}/ --origin ${seen.origins[0]} --probe`,
      });
    }
    return out;
  }

  private note(server: string, origin: string, privateNetwork: boolean): void {
    let seen = this.byServer.get(server);
    if (!seen) this.byServer.set(server, (seen = { origins: [], privateNetwork: false }));
    if (!seen.origins.includes(origin) && seen.origins.length < MAX_ORIGINS) seen.origins.push(origin);
    seen.privateNetwork ||= privateNetwork;
  }
}

export function logFindings(exchanges: Iterable<Exchange>): EchoedOriginsFinding[] {
  const echoes = new EchoedOrigins();
  for (const exchange of exchanges) echoes.add(exchange);
  return echoes.findings();
}
