/**
 * The only way the pages talk to the server: JSON under /api/, the CSRF token on every mutating
 * request, and one error shape `{code, message}` turned into an ApiError. A request refused with
 * FACTOR_NOT_FRESH (approve, reject, sign off, people) asks the person for their second factor
 * once (the re-auth dialog registers itself here) and is then sent again.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly location?: { file?: string; row?: number; line?: number; field?: string },
    readonly problems?: readonly Problem[],
  ) {
    super(message);
  }
}

/** A validation problem the server lists per field (firm profile). */
export interface Problem {
  readonly field?: string;
  readonly path?: string;
  readonly code?: string;
  readonly message?: string;
  readonly en?: string;
  readonly zh?: string;
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Reauth = () => Promise<boolean>;
let reauth: Reauth | null = null;
/** The re-auth dialog registers here; it resolves true once a fresh factor was accepted. */
export function onFactorNotFresh(handler: Reauth | null): void {
  reauth = handler;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  readonly form?: FormData;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  return fetch(path, { method, headers, body, credentials: 'same-origin' });
}

export async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const b = JSON.parse(text) as { code?: string; message?: string; location?: ApiError['location']; problems?: Problem[] };
    return new ApiError(res.status, b.code ?? `HTTP_${res.status}`, b.message ?? res.statusText, b.location, b.problems);
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, res.statusText);
  }
}

/** A JSON request; throws ApiError for any answer but 2xx. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let res = await send(path, options);
  if (res.status === 403 && reauth) {
    const err = await toApiError(res.clone());
    if (err.code === 'FACTOR_NOT_FRESH' && (await reauth())) res = await send(path, options);
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return (await res.text()) as T;
  const body = (await res.json()) as T;
  // Each sign-in step hands out a new CSRF token with the new session; the next request must carry it.
  const token = (body as { csrf_token?: unknown } | null)?.csrf_token;
  if (typeof token === 'string') setCsrfToken(token);
  return body;
}

/**
 * A file upload with progress: fetch cannot report upload progress, so this one request uses
 * XMLHttpRequest. The browser streams the file from disk; the server streams it into the vault.
 */
export function upload<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const res = new Response(xhr.responseText, { status: xhr.status, headers: { 'content-type': 'application/json' } });
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText || 'null') as T);
      else void toApiError(res).then(reject);
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'the server could not be reached'));
    xhr.send(form);
  });
}

/** Item paths like `7/(1)/d/(a)` are one URL segment. */
export const seg = (value: string) => encodeURIComponent(value);
export const firmPath = (firm: string) => `/api/firms/${seg(firm)}`;
export const runPath = (firm: string, period: string) => `${firmPath(firm)}/runs/${seg(period)}`;
