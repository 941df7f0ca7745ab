/**
 * The one place that talks to the Polar TEP server: every request goes through `requestAPI`.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** An error answered by the server (`{"message", "reason"}`) or a network failure. */
export class APIError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string
  ) {
    super(message);
    this.name = 'APIError';
  }
}

/** Call `/polartep/<path>` with the server's auth; parse JSON; throw `APIError` on failure. */
export async function requestAPI<T>(
  path: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const response = await send(URLExt.join(settings.baseUrl, 'polartep', path), init, settings);
  const text = await response.text();
  const data = parseBody(text);
  if (!response.ok) {
    throw failure(response, data);
  }
  return data as T;
}

/**
 * An image of the server (a tile of the workspace tiler, `url` as the tiler's templates give it:
 * a path below the server or a URL of its origin) with the server's auth; `APIError` on failure,
 * with the tiler's message and reason (`outside_bounds`, `no_file`, …).
 */
export async function requestImage(
  url: string,
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<Blob> {
  // `cache: 'default'`: tiles are cacheable (the default `no-store` adds a cache-busting query)
  const response = await send(new URL(url, settings.baseUrl).href, { cache: 'default' }, settings);
  if (!response.ok) {
    throw failure(response, parseBody(await response.text()));
  }
  return response.blob();
}

/** Whether `url` is on the server itself (so `requestImage` may fetch it with the server's auth). */
export function isServerURL(url: string, settings: ServerConnection.ISettings = ServerConnection.makeSettings()): boolean {
  try {
    return new URL(url, settings.baseUrl).origin === new URL(settings.baseUrl).origin;
  } catch {
    return false;
  }
}

/** A request with the server's auth; a network failure as an `APIError` (status 0). */
async function send(url: string, init: RequestInit, settings: ServerConnection.ISettings): Promise<Response> {
  try {
    return await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new APIError(`cannot reach the server: ${String(error)}`, 0, 'network');
  }
}

function parseBody(text: string): any {
  if (text.length === 0) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `{"message", "reason"}` of the server, or titiler's `{"detail"}`, as an `APIError`. */
function failure(response: Response, data: any): APIError {
  const body = data && typeof data === 'object' ? data : {};
  let message = `${response.status} ${response.statusText}`;
  if ('message' in body) {
    message = String(body.message);
  } else if (typeof body.detail === 'string') {
    message = body.detail;
  }
  const reason = 'reason' in body ? String(body.reason) : 'error';
  return new APIError(message, response.status, reason);
}

/** JSON body helper for POST/PUT/PATCH. */
export function jsonInit(method: string, body?: unknown): RequestInit {
  return body === undefined
    ? { method }
    : { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } };
}

// ---- workspace status --------------------------------------------------------------------

export namespace Status {
  export interface IBackend {
    kind: 'embedded' | 'real' | string;
    name: string;
    detail: string;
  }
  export interface IFeature {
    name: string;
    title: string;
    description: string;
    enabled: boolean;
    reason: string;
    backend?: IBackend;
    health?: { ok: boolean; detail: string };
    config?: Record<string, unknown>;
  }
  export interface IReply {
    version: string;
    user: string;
    data_dir: string;
    root_dir: string;
    features: IFeature[];
  }
}

export class StatusClient {
  get(): Promise<Status.IReply> {
    return requestAPI<Status.IReply>('api/status');
  }
}

// ---- examples ----------------------------------------------------------------------------

export namespace Examples {
  export interface IExample {
    name: string;
    title: string;
    description: string;
    feature: string;
  }
}

export class ExamplesClient {
  async list(): Promise<Examples.IExample[]> {
    const reply = await requestAPI<{ examples: Examples.IExample[] }>('api/examples');
    return reply.examples;
  }
  /** Copy an example into the workspace; resolves to the new file's path. */
  async copy(name: string): Promise<string> {
    const reply = await requestAPI<{ path: string }>(
      `api/examples/${encodeURIComponent(name)}/copy`,
      jsonInit('POST', {})
    );
    return reply.path;
  }
}

// ---- documentation -----------------------------------------------------------------------

export namespace Docs {
  export interface IPageInfo {
    slug: string;
    title: string;
    order: number;
  }
  export interface IPage {
    slug: string;
    title: string;
    markdown: string;
  }
}

export class DocsClient {
  async list(): Promise<Docs.IPageInfo[]> {
    const reply = await requestAPI<{ pages: Docs.IPageInfo[] }>('api/docs');
    return reply.pages;
  }
  page(slug: string): Promise<Docs.IPage> {
    return requestAPI<Docs.IPage>(`api/docs/${encodeURIComponent(slug)}`);
  }
}
