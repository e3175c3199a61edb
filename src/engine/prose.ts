/**
 * The words of a diagnosis: the headline (from the catalogue's templates, codes.ts) and the
 * explanation paragraphs and findings specific to the failing check.
 */
import type { CheckFailure, EffectiveCredentials } from './fetch.ts';
import { fillHeadline, listText, type HeadlineValues } from './codes.ts';
import { nearMiss } from './evidence.ts';
import { finding } from './findings.ts';
import { getHeader, countHeader } from './headers.ts';
import { type Trace, type Ctx, stageResponse } from './replay.ts';
import type { Finding } from './types.ts';

export const CURL_PARAGRAPH =
  'curl and Postman succeed with the same request because they are not browsers: they send no preflight and enforce no CORS rule. CORS protects the users of a browser, so the fix belongs in the server\'s responses, not in the request.';

export interface TextArgs {
  P: string;
  T: string;
  method: string;
  withHeaders: string;
  status: number | undefined;
  cred: EffectiveCredentials;
  /** `the preflight (OPTIONS) answer from ${T}` (headlineFor writes its capitalised form itself). */
  preflightAnswer: string;
  never: string;
  t: Trace;
  ctx: Ctx;
  names: string[];
}

function allowedText(a: TextArgs): string {
  const res = a.t.preflightResult;
  const methods = res && res.methods.length ? listText(res.methods) : 'only the simple methods GET, HEAD and POST';
  const headers = res && res.headers.length ? `the headers ${listText(res.headers)}` : 'no headers';
  return `${res && res.methods.length ? `only ${methods}` : methods} and ${headers}`;
}

/** Headline values that only depend on the request (mode and Local Network Access verdicts). */
export function requestValues(ctx: Ctx): HeadlineValues {
  return {
    where: '',
    tail: '',
    status: '',
    param: '',
    credentialsValue: '',
    originSent: '',
    page: ctx.pageOrigin,
    target: ctx.target.origin,
    requestTarget: ctx.target.origin,
    scheme: ctx.target.scheme,
    redirectMode: ctx.ex.redirect,
    preflightAnswer: '',
    never: '',
    method: ctx.method,
    withHeaders: '',
    allowed: '',
  };
}

export function headlineFor(f: CheckFailure, a: TextArgs): string {
  const stage = a.t.stage.kind;
  // Only the placeholders this code's template uses are computed: this runs for every blocked
  // request the worker judges.
  return fillHeadline(f.code, (name) => {
    switch (name) {
      case 'where':
        return stage === 'preflight' ? a.preflightAnswer : stage === 'redirect' ? `the redirect from ${a.T}` : `the response from ${a.T}`;
      // Written capitalised, not capitalize()d: reading a character of a string built by
      // concatenation makes V8 copy it flat first.
      case 'Where':
        return stage === 'preflight' ? `The preflight (OPTIONS) answer from ${a.T}` : stage === 'redirect' ? `The redirect from ${a.T}` : `The response from ${a.T}`;
      case 'tail':
        return stage === 'preflight' ? `, ${a.never}.` : ', so the browser hid the response from the page.';
      case 'status':
        return String(a.status);
      case 'param':
        return f.param;
      case 'credentialsValue':
        return f.param === '' ? '(absent)' : f.param;
      case 'originSent':
        return a.t.originSent;
      case 'page':
        return a.P;
      case 'target':
        return a.T;
      case 'requestTarget':
        return a.ctx.target.origin;
      case 'scheme':
        return a.ctx.target.scheme;
      case 'redirectMode':
        return a.ctx.ex.redirect;
      case 'preflightAnswer':
        return a.preflightAnswer;
      case 'PreflightAnswer':
        return `The preflight (OPTIONS) answer from ${a.T}`;
      case 'never':
        return a.never;
      case 'method':
        return a.method;
      case 'withHeaders':
        return a.withHeaders;
      case 'allowed':
        return allowedText(a);
      case 'code':
        return f.code;
    }
  });
}

/** The findings specific to the failing check (part of the verdict: they can make a request a warning). */
export function failureFindings(findings: Finding[], f: CheckFailure, a: TextArgs): void {
  switch (f.code) {
    case 'MissingAllowOriginHeader':
    case 'PreflightMissingAllowOriginHeader': {
      const st = a.status ?? 0;
      if (a.t.stage.kind !== 'preflight' && st >= 400) {
        findings.push(finding('error-response-without-cors',
          `${a.T} answered ${st} without CORS headers, so the page sees a CORS error instead of the ${st}. Send the CORS headers on error responses too.`));
      }
      break;
    }
    case 'AllowOriginMismatch':
    case 'PreflightAllowOriginMismatch': {
      const near = nearMiss(f.param, a.t.originSent);
      if (near) findings.push(finding('allow-origin-near-miss', `Access-Control-Allow-Origin is ${f.param} but the page's origin is ${a.t.originSent}: they differ only by ${near}. The comparison is byte-exact.`));
      break;
    }
    default:
      break;
  }
}

/** The paragraphs specific to the failing check (built only when the diagnosis is explained). */
export function detailFor(explanation: string[], f: CheckFailure, a: TextArgs): void {
  const { response } = stageResponse(a.ctx, a.t);
  switch (f.code) {
    case 'MissingAllowOriginHeader':
    case 'PreflightMissingAllowOriginHeader': {
      const st = a.status ?? 0;
      if (a.t.stage.kind === 'preflight' && (st < 200 || st > 299)) {
        explanation.push(`The OPTIONS request got HTTP ${st} without CORS headers: the route or the CORS middleware does not handle OPTIONS (CORS attached per route, or auth/routing answering first). The browser reports the missing header first, but the real fix is to answer the preflight with 2xx and the CORS headers.`);
      } else {
        explanation.push(`The server must send Access-Control-Allow-Origin: ${a.t.originSent} (or * for requests without credentials) on this response.`);
      }
      break;
    }
    case 'AllowOriginMismatch':
    case 'PreflightAllowOriginMismatch': {
      const near = nearMiss(f.param, a.t.originSent);
      if (near) {
        explanation.push(`The two values differ only by ${near}, but the browser compares them byte for byte.`);
      } else if (f.param === 'null' || a.t.originSent === 'null') {
        explanation.push(a.t.originSent === 'null'
          ? `After a cross-origin redirect the browser sends Origin: null, so only Access-Control-Allow-Origin: null or * can match. Answering null would trust every sandboxed page of any site; redirect the page to the final URL from the start instead, or answer * if the response is public and carries no credentials.`
          : `The value null only matches pages with an opaque origin; this page's origin is ${a.t.originSent}.`);
      } else {
        explanation.push(`The server allows a different origin. It must answer with exactly ${a.t.originSent} for this page; a server that serves several front-ends should compare the Origin request header with its allow list and echo the matching origin.`);
      }
      break;
    }
    case 'MultipleAllowOriginValues':
    case 'PreflightMultipleAllowOriginValues': {
      const lines = response ? countHeader(response.headers, 'access-control-allow-origin') : 0;
      explanation.push(lines > 1
        ? `The response carries ${lines} Access-Control-Allow-Origin lines, which the browser joins into one list. Typically a proxy and the application both add the header: keep it in one place.`
        : 'The header takes a single origin. Keep the allow list on the server and echo only the origin that matches the request.');
      break;
    }
    case 'InvalidAllowOriginValue':
    case 'PreflightInvalidAllowOriginValue':
      explanation.push(`An origin is written scheme://host[:port], for example ${a.P}. "${f.param}" is not one.`);
      break;
    case 'WildcardOriginNotAllowed':
    case 'PreflightWildcardOriginNotAllowed':
      explanation.push(`With credentials (cookies or HTTP authentication), * is not accepted: the server must echo the exact origin ${a.P} and send Access-Control-Allow-Credentials: true. Never reflect any origin blindly: compare it with an allow list.`);
      break;
    case 'InvalidAllowCredentials':
    case 'PreflightInvalidAllowCredentials':
      explanation.push(`A request with credentials needs Access-Control-Allow-Credentials: true (exactly that, lower case)${f.param ? `; the server sent "${f.param}"` : '; the server sent nothing'}. If the page does not need cookies, it can instead drop credentials: "include" / withCredentials.`);
      break;
    case 'PreflightInvalidStatus': {
      const st = a.status ?? 0;
      explanation.push(st === 401 || st === 403
        ? 'The CORS headers are there, but the status is an authentication refusal: preflights carry no credentials, so OPTIONS must be answered before the auth check.'
        : `The preflight must be answered with a 2xx status (200 or 204). HTTP ${st} means the server does not handle OPTIONS for this URL.`);
      break;
    }
    case 'PreflightDisallowedRedirect': {
      const loc = response ? getHeader(response.headers, 'location') : null;
      explanation.push(`The preflight was redirected to ${loc ?? 'another URL'}. Browsers never follow preflight redirects: make the page call the final URL directly (for example https instead of http, or with/without the trailing slash).`);
      break;
    }
    case 'InvalidAllowMethodsPreflightResponse':
    case 'InvalidAllowHeadersPreflightResponse': {
      const name = f.code === 'InvalidAllowMethodsPreflightResponse' ? 'access-control-allow-methods' : 'access-control-allow-headers';
      const v = response ? getHeader(response.headers, name) : null;
      explanation.push(`The value "${v}" could not be parsed: it must be a comma-separated list of tokens (no quotes, slashes, or other separators).`);
      break;
    }
    case 'MethodDisallowedByPreflightResponse':
      explanation.push(`${a.method} must appear in Access-Control-Allow-Methods, spelled exactly as the page sends it (methods are case-sensitive)${a.cred === 'include' ? '; * does not count for requests with credentials' : ''}.`);
      break;
    case 'HeaderDisallowedByPreflightResponse':
      explanation.push(`Every non-simple request header (${listText(a.names)}) must appear in Access-Control-Allow-Headers${a.cred === 'include' ? '; * does not count for requests with credentials' : ''}.`);
      break;
    case 'RedirectContainsCredentials':
      explanation.push('A cross-origin redirect target may not contain user:password@. Redirect to a URL without credentials and authenticate with a header instead.');
      break;
    default:
      break;
  }
}
