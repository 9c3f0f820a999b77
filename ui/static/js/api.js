// The one client of the REST API used by every page: same endpoints as external scripts.

const API_ROOT = "/api/v1";
// Dispatched on `window` after a write the server recorded as an undoable change, with the
// change's id (its `Tallybook-Change` header) as `detail.id`; undo.js says what it did (in the
// caller's words, `detail.saying`, when it gave them).
export const CHANGE_EVENT = "tallybook:change";

/** An error answered by the API as application/problem+json. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `Request failed (${status})`);
    this.status = status;
    this.problem = problem;
    /** @type {{field: string|null, message: string}[]} */
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

/** Replace the page's CSRF token (after sign-in or a password change). */
export function setCsrfToken(token) {
  let meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta) {
    meta = document.createElement("meta");
    meta.name = "csrf-token";
    document.head.append(meta);
  }
  meta.content = token || "";
}

/** Go to the sign-in page, coming back here afterwards. */
export function goToSignIn() {
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
}

/**
 * Call the API. Resolves with the parsed JSON body (null for 204); rejects with ApiError.
 * A 401 on a page that needs a session sends the user to sign in. `root` is the URL prefix of
 * `path` (the API's, unless another of the app's endpoints is meant). `saying(answer)` returns
 * the words that tell the person what a write did ("Tagged 12 transactions with holiday.").
 */
export async function api(
  method,
  path,
  body = undefined,
  { redirectOn401 = true, headers: extraHeaders = {}, root = API_ROOT, saying = null } = {},
) {
  const headers = { Accept: "application/json", ...extraHeaders };
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(root + path, init);
  } catch {
    throw new ApiError(0, { detail: "Tallybook is not answering. Is it still running?" });
  }
  const change = response.headers.get("Tallybook-Change");
  const type = response.headers.get("Content-Type") || "";
  let data = null;
  if (response.status !== 204) {
    data = type.includes("json") ? await response.json() : { detail: await response.text() };
  }
  if (response.ok && (change || saying)) {
    const detail = { id: change, saying: saying?.(data) };
    window.dispatchEvent(new CustomEvent(CHANGE_EVENT, { detail }));
  }
  if (response.ok) return data;
  if (response.status === 401 && redirectOn401) goToSignIn();
  throw new ApiError(response.status, data);
}

/** Every item of a paged list (following `next_cursor`), e.g. `fetchAll("/books")`. */
export async function fetchAll(path, params = {}) {
  const items = [];
  let cursor = null;
  do {
    const query = new URLSearchParams({ ...params, limit: "500" });
    if (cursor) query.set("cursor", cursor);
    const page = await api("GET", `${path}?${query}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** A fresh `Idempotency-Key`: a create retried with it is done once. */
export function newIdempotencyKey() {
  if (window.crypto.randomUUID) return window.crypto.randomUUID();
  // Plain HTTP off this computer is not a secure context: build a random v4-style id instead.
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
