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
  const readMark = (): string | null => {
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
    const value = readMark();
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
  const enqueueMicrotask = queueMicrotask;
  // Node.prototype's getter: `document.baseURI` could be a property the page defined.
  const baseURIOf = describe(Node.prototype, 'baseURI')?.get;
  // A document's origin and whether it is a secure context never change: read once (the page
  // may replace window.origin later).
  const frameOrigin = typeof w.origin === 'string' ? w.origin : 'null';
  const secureContext = w.isSecureContext === true;
  const then = Promise.prototype.then;
  const NativeHeaders = typeof Headers === 'function' ? Headers : undefined;
  const headersEntries = NativeHeaders ? NativeHeaders.prototype.entries : undefined;
  const NativeRequest = typeof Request === 'function' ? Request : undefined;
  const requestGetter = (name: 'url' | 'method' | 'mode' | 'credentials' | 'redirect' | 'headers') => NativeRequest ? describe(NativeRequest.prototype, name)?.get : undefined;
  const requestUrl = requestGetter('url');
  const requestMethod = requestGetter('method');
  const requestMode = requestGetter('mode');
  const requestCredentials = requestGetter('credentials');
  const requestRedirect = requestGetter('redirect');
  const requestHeaders = requestGetter('headers');
  const blobType = typeof Blob === 'function' ? describe(Blob.prototype, 'type')?.get : undefined;
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
  // Records waiting for the relay's answer (it may come before or after this hook).
  const MAX_QUEUE = 200;
  // Records per event: PAGE_REQUEST_LIMITS.perMessage, what the relay sends the worker at once.
  const PER_EVENT = 100;
  // A record longer than this is dropped (the relay refuses an event over PER_EVENT of them).
  const MAX_RECORD = 64 * 1024;

  // A call's record is posted as JSON text and the page's calls of one task (up to PER_EVENT) go
  // in one DOM event, dispatched by a microtask at the task's end: one event, one parse in the
  // relay per batch instead of per call (issue 20, the hook's cost per call). The mark is read at
  // most once per batch too: the worker changes it from a script of its own, another task.
  const pending: string[] = [];
  let relayReady = false;
  let flushQueued = false;
  let cachedMark: string | null | undefined;
  const markValue = (): string | null => {
    if (cachedMark === undefined) {
      cachedMark = readMark();
      queueFlush();
    }
    return cachedMark;
  };
  // True while an event of ours is dispatched: a page listening to it could call fetch() from
  // its listener, and each such call would make another event, without end.
  let sending = false;
  const send = (records: string[]) => {
    sending = true;
    try {
      dispatch.call(doc, new NativeCustomEvent(eventName, { detail: `[${records.join(',')}]` }));
    } finally {
      sending = false;
    }
  };
  const flush = () => {
    flushQueued = false;
    cachedMark = undefined;
    try {
      if (relayReady) while (pending.length > 0) send(pending.splice(0, PER_EVENT));
    } catch {
      // Recording never disturbs the page.
    }
  };
  function queueFlush(): void {
    if (flushQueued) return;
    flushQueued = true;
    enqueueMicrotask(flush);
  }
  listen.call(doc, `${eventName}:ready`, () => {
    relayReady = true;
    flush();
  });
  dispatch.call(doc, new NativeCustomEvent(`${eventName}:hello`));

  const post = (record: Record<string, unknown>) => {
    if (sending) return;
    try {
      const text = stringify(record);
      if (text.length > MAX_RECORD || (!relayReady && pending.length >= MAX_QUEUE)) return;
      pending.push(text);
      // A page calling in a loop: sent PER_EVENT at a time, never held all until the task's end.
      if (relayReady && pending.length >= PER_EVENT) send(pending.splice(0, PER_EVENT));
      else queueFlush();
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
  /**
   * A URL the page passed as a string goes to the worker as it is, with the document's base URL at
   * the call, and the worker resolves it (page-request.ts): parsing it here was the hook's largest
   * cost per call (issue 20). The base through Node.prototype's getter: `document.baseURI` could be
   * a property the page defined.
   */
  const baseURL = (): string | undefined => {
    const base = baseURIOf?.call(doc);
    return typeof base === 'string' ? base : undefined;
  };
  /**
   * Whether a URL the page passed is surely http(s): said so, or relative (no colon at all) to an
   * http(s) base. Anything else counts as not, which only costs a stack the worker may not need.
   */
  const isHttp = (raw: string, base: string | undefined): boolean =>
    raw.startsWith('https:') || raw.startsWith('http:') || (base !== undefined && !raw.includes(':') && (base.startsWith('https:') || base.startsWith('http:')));
  const normalizeMethod = (m: string) => (NORMALIZED.includes(m.toUpperCase()) ? m.toUpperCase() : m);
  const header = (name: string, value: unknown) => ({
    name,
    value: SAFELISTED.includes(name.toLowerCase()) && (typeof value === 'string' || typeof value === 'number') ? String(value) : '',
  });
  /** The kind of body the call passed (and a Blob's own type) into `record`. */
  const addBody = (record: Record<string, unknown>, body: unknown): void => {
    if (body === undefined || body === null) record.body = 'none';
    else if (typeof body === 'string') record.body = 'text';
    else if (typeof URLSearchParams === 'function' && body instanceof URLSearchParams) record.body = 'params';
    else if (typeof FormData === 'function' && body instanceof FormData) record.body = 'form';
    else if (typeof Blob === 'function' && body instanceof Blob) {
      record.body = 'blob';
      record.bodyType = blobType?.call(body) as string;
    } else if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) record.body = 'buffer';
    else if (typeof ReadableStream === 'function' && body instanceof ReadableStream) record.body = 'stream';
    else record.body = 'other';
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
  const wantsStack = (mode: string, url: string, base: string | undefined): boolean =>
    // The string tests first: the mark is a storage read (once per batch).
    mode !== 'cors' || !isHttp(url, base) || markValue() !== mark?.devtools;
  /**
   * The fields every record ends with, into `record`: the base of a relative `url` and where and
   * when the call was made.
   */
  const addContext = (record: Record<string, unknown>, mode: string, url: string, base?: string): Record<string, unknown> => {
    if (base !== undefined) record.base = base;
    record.frameOrigin = frameOrigin;
    record.secureContext = secureContext;
    record.at = now();
    record.stack = wantsStack(mode, url, base) ? callingStack() : '';
    return record;
  };
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
    let base: string | undefined;
    if (typeof input === 'string') {
      url = input;
      base = baseURL();
    } else if (input instanceof NativeURL) url = input.href;
    else if (NativeRequest && input instanceof NativeRequest) {
      url = requestUrl?.call(input) as string;
      method = requestMethod?.call(input) as string;
      mode = requestMode?.call(input) as string;
      credentials = requestCredentials?.call(input) as string;
      redirect = requestRedirect?.call(input) as string;
      headers = fromHeaders(requestHeaders?.call(input) as Headers);
      headerOrderKnown = headers.length < 2;
    }
    if (url === undefined) return undefined;
    const m = own(init, 'method');
    if (typeof m === 'string') method = normalizeMethod(m);
    const modeInit = own(init, 'mode');
    if (typeof modeInit === 'string') mode = modeInit;
    const credentialsInit = own(init, 'credentials');
    if (typeof credentialsInit === 'string') credentials = credentialsInit;
    const redirectInit = own(init, 'redirect');
    if (typeof redirectInit === 'string') redirect = redirectInit;
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
    const record: Record<string, unknown> = { api: 'fetch', url, method, mode, credentials, redirect, headers, headerOrderKnown, uploadListener: false };
    addBody(record, own(init, 'body'));
    const targetAddressSpace = own(init, 'targetAddressSpace');
    if (typeof targetAddressSpace === 'string') record.targetAddressSpace = targetAddressSpace;
    return addContext(record, mode, url, base);
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
          post(addContext({ api: 'eventsource', url: source.url, method: 'GET', mode: 'cors', credentials: withCredentials ? 'include' : 'same-origin', redirect: 'follow', headers: [], headerOrderKnown: true, uploadListener: false, body: 'none' }, 'cors', source.url));
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
    const calls = new WeakMap<XMLHttpRequest, { url: string; base?: string; method: string; headers: Array<{ name: string; value: string }> }>();
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
          // open() parsed the URL against the base of this moment (it threw otherwise).
          const url = typeof args[1] === 'string' ? args[1] : args[1] instanceof NativeURL ? args[1].href : undefined;
          if (url !== undefined && typeof args[0] === 'string') calls.set(xhr, { url, base: typeof args[1] === 'string' ? baseURL() : undefined, method: normalizeMethod(args[0]), headers: [] });
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
            const record: Record<string, unknown> = { api: 'xhr', url: call.url, method: call.method, mode: 'cors', credentials: withCredentials ? 'include' : 'same-origin', redirect: 'follow', headers: call.headers, headerOrderKnown: true, uploadListener };
            addBody(record, noBody ? undefined : args[0]);
            post(addContext(record, 'cors', call.url, call.base));
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
  // The hook's PER_EVENT and MAX_RECORD (a copy: this function may not import either).
  const PER_MESSAGE = 100;
  const MAX_EVENT = PER_MESSAGE * 64 * 1024;
  let batch: unknown[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    chrome.runtime.sendMessage({ type: messageType, records }).catch(() => undefined);
  };
  // An event is the hook's batch: a JSON array of at most PER_MESSAGE records of at most 64 KB each.
  document.addEventListener(eventName, (event) => {
    const detail = (event as CustomEvent<unknown>).detail;
    if (typeof detail !== 'string' || detail.length > MAX_EVENT) return;
    let records: unknown;
    try {
      records = JSON.parse(detail);
    } catch {
      return;
    }
    if (!Array.isArray(records)) return;
    for (const record of records.slice(0, PER_MESSAGE)) {
      batch.push(record);
      if (batch.length >= PER_MESSAGE) flush();
    }
    if (batch.length > 0 && timer === undefined) timer = setTimeout(flush, 0);
  });
  document.addEventListener(`${eventName}:hello`, () => document.dispatchEvent(new CustomEvent(`${eventName}:ready`)));
  document.dispatchEvent(new CustomEvent(`${eventName}:ready`));
}
