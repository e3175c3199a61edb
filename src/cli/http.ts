/**
 * The network side of `corsight check` (Node): one request, no redirect followed, every response
 * header line kept in order, and network failures as one line a user can act on.
 */
import http from 'node:http';
import https from 'node:https';
import { headerTextOfLatin1 } from '../capture/har/entries.ts';
import type { HttpHeader, ObservedResponse } from '../engine/types.ts';
import { CheckNetworkError, type Send } from './check-command.ts';

const TIMEOUT_MS = 10_000;

function explain(error: NodeJS.ErrnoException, url: URL): string {
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where}: is the server running?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${url.hostname}: check the host name`;
    case 'ECONNRESET':
      return `${where} closed the connection`;
    default:
      if (error.code?.startsWith('CERT_') || error.code?.includes('SELF_SIGNED') || error.code?.startsWith('ERR_TLS') || error.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') {
        return `TLS error with ${where}: ${error.code} (${error.message}); a browser refuses it too`;
      }
      return `${error.code ?? 'error'} talking to ${where}: ${error.message}`;
  }
}

export const nodeSend: Send = (request) =>
  new Promise<ObservedResponse>((resolve, reject) => {
    const url = new URL(request.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      reject(new CheckNetworkError(`${request.url}: only http and https URLs can be checked`));
      return;
    }
    const client = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string[]> = {};
    for (const h of request.headers) (headers[h.name] ??= []).push(h.value);
    // As a browser does: the body's length (Node would send a DELETE's body unframed).
    if (request.body !== undefined) headers['Content-Length'] = [String(Buffer.byteLength(request.body))];
    // Chromium accepts up to 256 KB of response headers (Node's default is 16 KB).
    const req = client.request(url, { method: request.method, headers, timeout: TIMEOUT_MS, maxHeaderSize: 256 * 1024 }, (res) => {
      const lines: HttpHeader[] = [];
      // Node gives each header byte as one character (Latin-1); Chromium reads UTF-8.
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) lines.push({ name: res.rawHeaders[i] as string, value: headerTextOfLatin1(res.rawHeaders[i + 1] as string) });
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage || undefined, headers: lines }));
      res.on('error', (e: NodeJS.ErrnoException) => reject(new CheckNetworkError(explain(e, url))));
    });
    // The method as written, as fetch sends it (only DELETE, GET, HEAD, OPTIONS, POST and PUT are
    // normalized: `patch` stays lower case). Node upper-cases it in the constructor but writes the
    // request line from `req.method` when the first byte goes out, after this line.
    req.method = request.method;
    // Every line, as Chromium keeps them (Node stops at 2,000 by default).
    req.maxHeadersCount = 0;
    if (request.body !== undefined) req.write(request.body);
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => {
      reject(new CheckNetworkError(e.code === 'ETIMEDOUT' ? `no answer from ${url.host} within ${TIMEOUT_MS / 1000} s` : explain(e, url)));
    });
    req.end();
  });
