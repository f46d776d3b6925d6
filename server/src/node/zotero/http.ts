/**
 * HTTP to the running Zotero, and nowhere else unless the user says so: the URL is checked once
 * (`zoteroBaseUrl`), every request has a deadline and a size limit, redirects are not followed, and
 * every failure becomes a `ZoteroError` that says what happened in words a user can act on.
 *
 * Zotero answers in HTTP/1.0 and closes the connection after each answer (its body has no length);
 * Node's client reads such answers to the end.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export type ZoteroErrorKind =
  /** Nothing listens at the URL: Zotero is not running (or another port). */
  | 'unreachable'
  /** No (whole) answer before the deadline: Zotero is busy or hangs. */
  | 'timeout'
  /** An answer, but an error status (403: the local API is off; 404: no such endpoint). */
  | 'http'
  /** An answer that is not what the endpoint sends (not JSON, not the shape documented). */
  | 'malformed'
  /** Better BibTeX answered with a JSON-RPC error (in an HTTP 200 answer). */
  | 'rpc'
  /** The request was given up by its caller. */
  | 'cancelled';

export class ZoteroError extends Error {
  constructor(
    readonly kind: ZoteroErrorKind,
    message: string,
    readonly status?: number,
    readonly code?: number,
  ) {
    super(message);
  }
}

export interface ZoteroAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Milliseconds for the whole answer; 0 for none (the CAYW picker waits for the user). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The largest body read; a bigger one is an error, not a heap full of it. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** The URL Zotero listens at by default (its HTTP server, shared by the local API and Better BibTeX). */
export const DEFAULT_ZOTERO_URL = 'http://127.0.0.1:23119';

export type BaseUrl = { url: URL; loopback: boolean } | { error: string };

/**
 * The setting `litnotes.zotero.url` checked: http(s), no credentials, no query. A loopback address
 * (127.0.0.0/8, ::1, localhost) is Zotero on this computer; another host is only used because the
 * user wrote it there (the caller logs that it does).
 */
export function zoteroBaseUrl(setting: string): BaseUrl {
  let url: URL;
  try {
    url = new URL(setting.trim());
  } catch {
    return { error: `litnotes.zotero.url is not a URL: '${setting}'. The default is ${DEFAULT_ZOTERO_URL}.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: `litnotes.zotero.url must be an http:// URL, not '${url.protocol}'. The default is ${DEFAULT_ZOTERO_URL}.` };
  if (url.username || url.password || url.search || url.hash) return { error: `litnotes.zotero.url must be a plain address such as ${DEFAULT_ZOTERO_URL}, without user, query or fragment.` };
  url.pathname = url.pathname.replace(/\/+$/, '');
  return { url, loopback: isLoopbackHost(url.hostname) };
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `base` + `path` (which starts with `/` and may carry a query). */
export function urlOf(base: URL, path: string): URL {
  return new URL(base.href.replace(/\/+$/, '') + path);
}

/** One request; resolves with any HTTP answer (the caller judges the status), rejects with a ZoteroError otherwise. */
export function zoteroRequest(url: URL, options: RequestOptions): Promise<ZoteroAnswer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise<ZoteroAnswer>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new ZoteroError('cancelled', 'Cancelled.'));
    const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
    const headers: Record<string, string> = { 'User-Agent': 'LitNotes', Accept: '*/*', ...options.headers };
    if (body) headers['Content-Length'] = String(body.length);
    const transport = url.protocol === 'https:' ? https : http;
    let settled = false;
    const finish = (error: ZoteroError | undefined, answer?: ZoteroAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        request.destroy();
        reject(error);
      } else resolve(answer!);
    };
    const request = transport.request(url, { method: options.method ?? 'GET', headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) finish(new ZoteroError('malformed', `Zotero's answer to ${url.pathname} is larger than ${Math.round(maxBytes / 1048576)} MB.`));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        const answerHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) answerHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
        finish(undefined, { status: response.statusCode ?? 0, headers: answerHeaders, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', (e) => finish(new ZoteroError('unreachable', `The connection to Zotero broke while reading ${url.pathname}: ${e.message}`)));
      response.on('aborted', () => finish(new ZoteroError('unreachable', `The connection to Zotero closed before the whole answer to ${url.pathname} came.`)));
    });
    const onAbort = () => finish(new ZoteroError('cancelled', 'Cancelled.'));
    options.signal?.addEventListener('abort', onAbort);
    const timer = options.timeoutMs > 0
      ? setTimeout(() => finish(new ZoteroError('timeout', `Zotero did not answer ${url.pathname} within ${seconds(options.timeoutMs)}.`)), options.timeoutMs)
      : undefined;
    timer?.unref?.();
    request.on('error', (e: NodeJS.ErrnoException) => {
      const refused = e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH' || e.code === 'EADDRNOTAVAIL';
      finish(new ZoteroError('unreachable', refused ? `Nothing answers at ${url.origin}: Zotero is not running there.` : `Cannot reach Zotero at ${url.origin}: ${e.message}`));
    });
    request.end(body);
  });
}

/** Parses JSON an endpoint sent; a broken body is a `malformed` error naming the endpoint. */
export function parseJson(answer: ZoteroAnswer, what: string): unknown {
  try {
    return JSON.parse(answer.body);
  } catch (e) {
    throw new ZoteroError('malformed', `${what} sent something that is not JSON (${e instanceof Error ? e.message : String(e)}; ${answer.body.length} bytes starting '${answer.body.slice(0, 40).replace(/\s+/g, ' ')}').`);
  }
}

/** `0.3 s`, `15 s`. */
function seconds(ms: number): string {
  return ms < 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
