/** The admin API: every call carries the admin token kept in session storage. */
const TOKEN_KEY = 'peregrine.adminToken';

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(t: string | null): void {
  if (t === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, t);
}

/** An error answer of the API: `{error, message, ...details}`. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly body: Record<string, unknown>) {
    super(message);
  }
}

let onUnauthorized: (message: string) => void = () => {};
export function whenUnauthorized(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

export async function call<T>(method: string, path: string, body?: unknown, contentType = 'application/json', explicitToken?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const t = explicitToken ?? token();
  if (t) headers.Authorization = `Bearer ${t}`;
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', `the backend did not answer (${(e as Error).message})`, {});
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = { message: text };
    }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, String(json.error ?? `http_${res.status}`), String(json.message ?? res.statusText), json);
    if (res.status === 401 && explicitToken === undefined) onUnauthorized(err.message);
    throw err;
  }
  return json as T;
}

export const get = <T>(path: string) => call<T>('GET', path);

export function query(params: Record<string, string | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Wire shapes (snake_case, as the backend sends them).
export interface Workload {
  cluster?: string; task_arn?: string; task_family?: string; container_name?: string; image?: string; availability_zone?: string;
}
export interface Alert {
  id: string; time: string; rule: string; priority: string; output?: string;
  output_fields?: Record<string, unknown>; source?: string; tags?: string[]; hostname?: string;
  policy?: string; actions?: string[]; workload?: Workload;
}
export interface EventsPage { events: Alert[]; next_cursor: string | null }
export interface Counts { by: string; counts: { key: string; count: number }[]; total: number }
export interface ConnectedAgent {
  agent_id: string; agent_version?: string; protocol: number; metadata?: Record<string, string>; connected_at?: string;
}
export interface Orchestrator {
  id: string; version?: string; spool_depth: number; access_key_id?: string; first_seen: string; last_seen: string;
  stale: boolean; agents: ConnectedAgent[];
}
export interface Scope { cluster?: string; task_family?: string; container_name?: string; image_prefix?: string }
export interface Policy {
  name: string; enabled: boolean; rules?: string[]; tags?: string[]; min_priority: string; actions: string[]; scope: Scope;
}
export interface RulesFile { name: string; load_order: number; size: number; sha256: string; updated_at: string }
export interface Diagnostic {
  severity: string; code: string; message: string; file: string; line: number; column: number; position: string;
}
export interface AccessKey {
  id: string; name: string; key_prefix: string; created_at: string; last_used_at: string | null; revoked: boolean;
  revoked_at: string | null; key?: string;
}
