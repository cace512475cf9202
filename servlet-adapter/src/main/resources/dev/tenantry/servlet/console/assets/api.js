// The console's only way out: Tenantry's JSON endpoints on this origin. The bearer token (when the application signs
// in with one) lives in this tab's sessionStorage and nowhere else.

const TOKEN = 'tenantry.console.token';
const TENANT = 'tenantry.console.tenant';

// The header the organization is named in, when the page's address does not name it (from the console's settings).
const tenantHeader = document.documentElement.dataset.tenantHeader || null;

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `the request failed with status ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export const session = {
  token: () => sessionStorage.getItem(TOKEN),
  tenant: () => sessionStorage.getItem(TENANT),
  signedIn(token, tenant) {
    sessionStorage.setItem(TOKEN, token);
    if (tenant) sessionStorage.setItem(TENANT, tenant); else sessionStorage.removeItem(TENANT);
  },
  forget() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(TENANT);
  }
};

function headers(extra, tenant) {
  const all = { Accept: 'application/json', ...extra };
  const token = session.token();
  if (token) all.Authorization = `Bearer ${token}`;
  const org = tenant === undefined ? session.tenant() : tenant;
  if (tenantHeader && org) all[tenantHeader] = org;
  return all;
}

export function url(path, params) {
  const target = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== '') target.searchParams.set(key, String(value));
  }
  return target;
}

async function answer(response) {
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    const error = new ApiError(response.status, body && typeof body === 'object' ? body : null);
    if (response.status === 401 && session.token()) {
      window.dispatchEvent(new CustomEvent('tenantry:signed-out', { detail: error }));
    }
    throw error;
  }
  return body;
}

export async function get(path, params) {
  return answer(await fetch(url(path, params), { headers: headers(), cache: 'no-store',
    credentials: 'same-origin' }));
}

/** Sends JSON (or nothing) with method; tenant overrides the organization named, for signing in. */
export async function send(method, path, body, tenant) {
  const extra = body === undefined ? {} : { 'Content-Type': 'application/json' };
  return answer(await fetch(url(path), { method, headers: headers(extra, tenant), cache: 'no-store',
    credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) }));
}

/** Fetches a file with the console's credentials and hands it to the browser as a download. */
export async function download(path, params, fallbackName) {
  const response = await fetch(url(path, params), { headers: headers({ Accept: '*/*' }), cache: 'no-store',
    credentials: 'same-origin' });
  if (!response.ok) {
    await answer(response);
  }
  const blob = await response.blob();
  const disposition = response.headers.get('Content-Disposition') || '';
  const match = /filename="([^"]+)"/.exec(disposition);
  const name = match ? match[1] : fallbackName;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(link.href);
    link.remove();
  }, 10000);
  return { name, size: blob.size };
}
