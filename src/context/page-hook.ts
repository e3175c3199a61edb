/**
 * The page-world side of the request context (page-request.ts). Injected into the MAIN world of a
 * diagnosed tab's frames only (src/background/page-context.ts), as a function and as a file
 * registered at document_start (built from this function by vite.config.ts): it must stay
 * self-contained (no imports, no outer variables) because it is serialized. `mark` is
 * PAGE_CONTEXT_MARK (page-request.ts): with `onlyWhenMarked` (the registered file) it installs
 * only in a document whose tab is marked diagnosed, and at each call the mark's value says
 * whether to take the call's stack. Without `mark` (tests), it takes every stack.
 *
 * Rules it keeps, because it runs inside someone else's page:
 * - it never changes what the page sees: the original fetch/XHR/EventSource run with the same
 *   arguments and `this`, their results and exceptions reach the page untouched, and recording
 *   happens in try/catch (a failure to record is silent);
 * - it calls no page code: getters on the page's objects and `toString` of non-primitives are
 *   not invoked (a property behind a getter is left unknown), the built-ins it needs are taken
 *   once at install time;
 * - every wrapper is a Proxy of the original (name, length, prototype and `instanceof` stay
 *   native) and Function.prototype.toString answers for a wrapper what it answers for the
 *   original; a page that wraps them again, before or after, keeps working;
 * - what it sends is bounded and carries header values only for the CORS-safelisted names.
 */
// Type-only (erased): the functions below are serialized and may import nothing at run time.
import type { PageContextMark } from './page-request.ts';

export function installPageRequestHook(eventName: string, mark?: PageContextMark, onlyWhenMarked = false): void {
  const w = globalThis as unknown as Record<string | symbol, unknown> & typeof globalThis;
  const FLAG = Symbol.for('corsight.page-request-hook');
  if (w[FLAG] || typeof document === 'undefined') return;
  // The mark, read with the built-ins of install time (no page code at a call).
  let storage: Storage | undefined;
  try {
    storage = typeof Storage === 'function' ? w.sessionStorage : undefined;
  } catch {
    storage = undefined; // No sessionStorage here (opaque origin).
  }
  const getItem = typeof Storage === 'function' ? Storage.prototype.getItem : undefined;
  const markValue = (): string | null => {
    if (!mark || !storage || !getItem) return null;
    try {
      return getItem.call(storage, mark.key);
    } catch {
      return null;
    }
  };
  // Registered at document_start for a diagnosed tab's origin: only the tab marked diagnosed
  // (without sessionStorage, the injection at commit covers the document).
  if (onlyWhenMarked) {
    const value = markValue();
    if (!mark || (value !== mark.webRequest && value !== mark.devtools)) return;
  }
  Object.defineProperty(w, FLAG, { value: true });

  const doc = document;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const listen = EventTarget.prototype.addEventListener;
  const NativeCustomEvent = CustomEvent;
  const NativeURL = URL;
  const stringify = JSON.stringify;
  const describe = Object.getOwnPropertyDescriptor;
  const ownKeys = Object.keys;
  const isArray = Array.isArray;
  const now = Date.now;
  const apply = Reflect.apply;
  const construct = Reflect.construct;
  const NativeError = Error;
  // A document's origin never changes; read once (window.origin is replaceable by the page later).
  const frameOrigin = typeof w.origin === 'string' ? w.origin : 'null';
  const then = Promise.prototype.then;
  const NativeHeaders = typeof Headers === 'function' ? Headers : undefined;
  const headersEntries = NativeHeaders ? NativeHeaders.prototype.entries : undefined;
  const NativeRequest = typeof Request === 'function' ? Request : undefined;
  const requestGet = (name: 'url' | 'method' | 'mode' | 'credentials' | 'redirect' | 'headers') => NativeRequest ? describe(NativeRequest.prototype, name)?.get : undefined;
  // SAFELISTED_NAMES of page-request.ts (a copy: this function may not import).
  const SAFELISTED = ['accept', 'accept-language', 'content-language', 'content-type', 'range', 'dpr', 'device-memory', 'downlink', 'ect', 'rtt', 'save-data', 'viewport-width', 'width'];
  const NORMALIZED = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
  // Each wrapper -> its original, for Function.prototype.toString (below).
  const originals = new WeakMap<object, object>();
  const wrap = <T extends object>(original: T, handler: ProxyHandler<T>): T => {
    const proxy = new Proxy(original, handler);
    originals.set(proxy, original);
    return proxy;
  };
  const nativeToString = Function.prototype.toString;
  Function.prototype.toString = wrap(nativeToString, {
    apply(target, thisArg: unknown, args: unknown[]) {
      return apply(target, (typeof thisArg === 'function' && originals.get(thisArg)) || thisArg, args) as string;
    },
  });
  const MAX_HEADERS = 64;
  const MAX_QUEUE = 200;

  // The relay (ISOLATED world) may come before or after this hook: records wait for its answer.
  const queue: string[] = [];
  let relayReady = false;
  const send = (detail: string) => dispatch.call(doc, new NativeCustomEvent(eventName, { detail }));
  listen.call(doc, `${eventName}:ready`, () => {
    relayReady = true;
    for (const detail of queue.splice(0)) send(detail);
  });
  dispatch.call(doc, new NativeCustomEvent(`${eventName}:hello`));

  const post = (record: Record<string, unknown>) => {
    try {
      const detail = stringify(record);
      if (relayReady) send(detail);
      else if (queue.length < MAX_QUEUE) queue.push(detail);
    } catch {
      // Recording never disturbs the page.
    }
  };

  /** An own data property (never a getter: that would run page code). */
  const own = (o: unknown, key: string): unknown => {
    if (typeof o !== 'object' || o === null) return undefined;
    const d = describe(o, key);
    return d && 'value' in d ? d.value : undefined;
  };
  const absolute = (raw: string): string | undefined => {
    try {
      return new NativeURL(raw, doc.baseURI).href;
    } catch {
      return undefined;
    }
  };
  const normalizeMethod = (m: string) => (NORMALIZED.includes(m.toUpperCase()) ? m.toUpperCase() : m);
  const header = (name: string, value: unknown) => ({
    name,
    value: SAFELISTED.includes(name.toLowerCase()) && (typeof value === 'string' || typeof value === 'number') ? String(value) : '',
  });
  const bodyOf = (body: unknown): { body: string; bodyType?: string } => {
    if (body === undefined || body === null) return { body: 'none' };
    if (typeof body === 'string') return { body: 'text' };
    if (typeof URLSearchParams === 'function' && body instanceof URLSearchParams) return { body: 'params' };
    if (typeof FormData === 'function' && body instanceof FormData) return { body: 'form' };
    if (typeof Blob === 'function' && body instanceof Blob) return { body: 'blob', bodyType: describe(Blob.prototype, 'type')?.get?.call(body) as string };
    if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return { body: 'buffer' };
    if (typeof ReadableStream === 'function' && body instanceof ReadableStream) return { body: 'stream' };
    return { body: 'other' };
  };
  /**
   * The call's stack as V8 prints it (the worker skips the hook's own frames). Not when the page
   * formats stacks itself (Error.prepareStackTrace): reading `.stack` would run its code.
   */
  const callingStack = (): string => {
    if (describe(NativeError, 'prepareStackTrace')?.value !== undefined) return '';
    const text = new NativeError().stack;
    return typeof text === 'string' ? text.slice(0, 4000) : '';
  };
  /**
   * Whether the worker needs this call's stack: always, unless the tab is diagnosed through
   * DevTools, whose network log has the stack of every request that reaches the network. A call in
   * mode other than "cors", or to a URL that is not http(s), may be refused before (the engine's
   * request-mode stage; the worker decides which), and then the hook's stack is the only one.
   */
  const wantsStack = (mode: string, url: string): boolean =>
    // The string tests first: the mark is a storage read, at every call of the page.
    mode !== 'cors' || !(url.startsWith('https:') || url.startsWith('http:')) || markValue() !== mark?.devtools;
  const context = (mode: string, url: string) => ({
    frameOrigin,
    secureContext: w.isSecureContext === true,
    at: now(),
    stack: wantsStack(mode, url) ? callingStack() : '',
  });
  const fromHeaders = (h: Headers): Array<{ name: string; value: string }> => {
    const out: Array<{ name: string; value: string }> = [];
    if (!headersEntries) return out;
    for (const [name, value] of headersEntries.call(h) as IterableIterator<[string, string]>) {
      out.push(header(name, value));
      if (out.length === MAX_HEADERS) break;
    }
    return out;
  };

  function describeFetch(input: unknown, init: unknown): Record<string, unknown> | undefined {
    let url: string | undefined;
    let method = 'GET';
    let mode = 'cors';
    let credentials = 'same-origin';
    let redirect = 'follow';
    let headers: Array<{ name: string; value: string }> = [];
    let headerOrderKnown = true;
    if (typeof input === 'string') url = absolute(input);
    else if (input instanceof NativeURL) url = input.href;
    else if (NativeRequest && input instanceof NativeRequest) {
      url = requestGet('url')?.call(input) as string;
      method = requestGet('method')?.call(input) as string;
      mode = requestGet('mode')?.call(input) as string;
      credentials = requestGet('credentials')?.call(input) as string;
      redirect = requestGet('redirect')?.call(input) as string;
      headers = fromHeaders(requestGet('headers')?.call(input) as Headers);
      headerOrderKnown = headers.length < 2;
    }
    if (url === undefined) return undefined;
    const m = own(init, 'method');
    if (typeof m === 'string') method = normalizeMethod(m);
    for (const [key, assign] of [
      ['mode', (v: string) => (mode = v)],
      ['credentials', (v: string) => (credentials = v)],
      ['redirect', (v: string) => (redirect = v)],
    ] as const) {
      const v = own(init, key);
      if (typeof v === 'string') assign(v);
    }
    const h = own(init, 'headers');
    if (NativeHeaders && h instanceof NativeHeaders) {
      headers = fromHeaders(h);
      headerOrderKnown = headers.length < 2;
    } else if (isArray(h)) {
      headers = [];
      for (const pair of h.slice(0, MAX_HEADERS)) {
        if (isArray(pair) && typeof pair[0] === 'string') headers.push(header(pair[0], pair[1]));
      }
      headerOrderKnown = true;
    } else if (typeof h === 'object' && h !== null) {
      headers = [];
      for (const name of ownKeys(h).slice(0, MAX_HEADERS)) headers.push(header(name, own(h, name)));
      headerOrderKnown = true;
    }
    const targetAddressSpace = own(init, 'targetAddressSpace');
    return { api: 'fetch', url, method, mode, credentials, redirect, headers, headerOrderKnown, uploadListener: false, ...bodyOf(own(init, 'body')), ...context(mode, url), ...(typeof targetAddressSpace === 'string' ? { targetAddressSpace } : {}) };
  }

  // Local Network Access leaves one trace in the page: the permission turns `denied` when a
  // request was refused. Reported once it reads `denied` (now or after a change), and every
  // change after that: `prompt` and `granted` alone decide nothing, and each report is a message
  // that may wake the worker.
  try {
    const permissions = typeof navigator === 'object' ? navigator.permissions : undefined;
    const query = typeof Permissions === 'function' ? describe(Permissions.prototype, 'query')?.value : undefined;
    const stateOf = typeof PermissionStatus === 'function' ? describe(PermissionStatus.prototype, 'state')?.get : undefined;
    if (permissions && typeof query === 'function' && stateOf) {
      const pending = apply(query, permissions, [{ name: 'local-network-access' }]) as Promise<PermissionStatus>;
      apply(then, pending, [
        (status: PermissionStatus) => {
          let reported = false;
          const report = () => {
            const state = stateOf.call(status);
            // After a `denied`, every change too (a later grant must replace it).
            if (state !== 'denied' && !reported) return;
            reported = true;
            post({ api: 'permission', state, frameOrigin, at: now() });
          };
          report();
          listen.call(status, 'change', report);
        },
        () => undefined, // Not a permission this browser knows.
      ]);
    }
  } catch {
    // Recording never disturbs the page.
  }

  const nativeFetch = w.fetch;
  if (typeof nativeFetch === 'function') {
    w.fetch = wrap(nativeFetch, {
      apply(target, thisArg, args: unknown[]) {
        try {
          const record = describeFetch(args[0], args[1]);
          if (record) post(record);
        } catch {
          // Recording never disturbs the page.
        }
        return apply(target, thisArg, args);
      },
    });
  }

  const NativeEventSource = w.EventSource;
  if (typeof NativeEventSource === 'function') {
    const wrapped = wrap(NativeEventSource, {
      construct(target, args: unknown[], newTarget) {
        // `new EventSource()` reaches here with the Proxy as newTarget: construct the original.
        const source = construct(target, args, newTarget === wrapped ? target : newTarget) as EventSource;
        try {
          // The constructor succeeded: the URL parsed, and `url` is its serialization.
          const withCredentials = own(args[1], 'withCredentials') === true;
          post({ api: 'eventsource', url: source.url, method: 'GET', mode: 'cors', credentials: withCredentials ? 'include' : 'same-origin', redirect: 'follow', headers: [], headerOrderKnown: true, uploadListener: false, body: 'none', ...context('cors', source.url) });
        } catch {
          // Recording never disturbs the page.
        }
        return source;
      },
    });
    w.EventSource = wrapped;
    // As without the hook: EventSource.prototype.constructor === EventSource.
    Object.defineProperty(NativeEventSource.prototype, 'constructor', { value: wrapped, writable: true, configurable: true, enumerable: false });
  }

  if (typeof XMLHttpRequest === 'function') {
    const proto = XMLHttpRequest.prototype;
    const calls = new WeakMap<XMLHttpRequest, { url: string; method: string; headers: Array<{ name: string; value: string }> }>();
    const uploadsWithListener = new WeakSet<object>();
    const nativeOpen = proto.open;
    const nativeSetHeader = proto.setRequestHeader;
    const nativeSend = proto.send;
    const withCredentialsGet = describe(proto, 'withCredentials')?.get;
    const uploadGet = describe(proto, 'upload')?.get;
    if (typeof XMLHttpRequestUpload === 'function') {
      const uploadProto = XMLHttpRequestUpload.prototype;
      uploadProto.addEventListener = wrap(uploadProto.addEventListener, {
        apply(target, thisArg: object, args: unknown[]) {
          const result = apply(target, thisArg, args) as void;
          if (args[1] !== null && args[1] !== undefined) uploadsWithListener.add(thisArg);
          return result;
        },
      });
    }
    const HANDLERS = ['onloadstart', 'onprogress', 'onabort', 'onerror', 'onload', 'ontimeout', 'onloadend'];
    proto.open = wrap(nativeOpen, {
      apply(target, xhr: XMLHttpRequest, args: unknown[]) {
        const result = apply(target, xhr, args) as void;
        try {
          const url = typeof args[1] === 'string' ? absolute(args[1]) : args[1] instanceof NativeURL ? args[1].href : undefined;
          if (url !== undefined && typeof args[0] === 'string') calls.set(xhr, { url, method: normalizeMethod(args[0]), headers: [] });
          else calls.delete(xhr);
        } catch {
          // Recording never disturbs the page.
        }
        return result;
      },
    });
    proto.setRequestHeader = wrap(nativeSetHeader, {
      apply(target, xhr: XMLHttpRequest, args: unknown[]) {
        const result = apply(target, xhr, args) as void;
        try {
          const call = calls.get(xhr);
          const name = args[0];
          if (call && typeof name === 'string' && call.headers.length < MAX_HEADERS) {
            // A repeated name combines into the first one's place in the header list.
            if (!call.headers.some((h) => h.name.toLowerCase() === name.toLowerCase())) call.headers.push(header(name, args[1]));
          }
        } catch {
          // Recording never disturbs the page.
        }
        return result;
      },
    });
    proto.send = wrap(nativeSend, {
      apply(target, xhr: XMLHttpRequest, args: unknown[]) {
        try {
          const call = calls.get(xhr);
          if (call) {
            const upload = uploadGet?.call(xhr) as (XMLHttpRequestUpload & Record<string, unknown>) | undefined;
            const uploadListener = !!upload && (uploadsWithListener.has(upload) || HANDLERS.some((k) => upload[k] !== null && upload[k] !== undefined));
            const withCredentials = withCredentialsGet?.call(xhr) === true;
            const noBody = call.method === 'GET' || call.method === 'HEAD';
            post({ api: 'xhr', url: call.url, method: call.method, mode: 'cors', credentials: withCredentials ? 'include' : 'same-origin', redirect: 'follow', headers: call.headers, headerOrderKnown: true, uploadListener, ...(noBody ? { body: 'none' } : bodyOf(args[0])), ...context('cors', call.url) });
          }
        } catch {
          // Recording never disturbs the page.
        }
        return apply(target, xhr, args) as void;
      },
    });
  }
}

/**
 * The ISOLATED-world relay: takes the hook's records from DOM events and sends them to the worker
 * in small batches. Self-contained for the same reason as the hook.
 */
export function installPageRequestRelay(eventName: string, messageType: string, gate?: PageContextMark): void {
  const w = globalThis as unknown as Record<symbol, unknown>;
  const FLAG = Symbol.for('corsight.page-request-relay');
  if (w[FLAG] || typeof document === 'undefined') return;
  // The registered file: only in a document whose tab is marked diagnosed, as the hook.
  if (gate !== undefined) {
    try {
      const value = sessionStorage.getItem(gate.key);
      if (value !== gate.webRequest && value !== gate.devtools) return;
    } catch {
      return;
    }
  }
  w[FLAG] = true;
  let batch: unknown[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const records = batch;
    batch = [];
    chrome.runtime.sendMessage({ type: messageType, records }).catch(() => undefined);
  };
  document.addEventListener(eventName, (event) => {
    const detail = (event as CustomEvent<unknown>).detail;
    if (typeof detail !== 'string' || detail.length > 64 * 1024) return;
    try {
      batch.push(JSON.parse(detail));
    } catch {
      return;
    }
    if (batch.length >= 100) flush();
    else if (timer === undefined) timer = setTimeout(flush, 0);
  });
  document.addEventListener(`${eventName}:hello`, () => document.dispatchEvent(new CustomEvent(`${eventName}:ready`)));
  document.dispatchEvent(new CustomEvent(`${eventName}:ready`));
}
