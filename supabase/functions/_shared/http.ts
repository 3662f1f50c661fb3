// HTTP helpers shared by the Edge Functions: CORS (the functions answer their own preflight,
// contract §5), JSON answers, and typed errors that know their status.

export const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type, x-retry-count",
  "Access-Control-Allow-Methods": "POST, OPTIONS",
};

/** A JSON answer with the CORS headers. */
export function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

/**
 * An error a caller can act on: `status` is the HTTP status, `code` a stable word the web app
 * switches on, `message` (and `hint`) readable text.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint: string | undefined;

  constructor(status: number, code: string, message: string, hint?: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.hint = hint;
  }

  toResponse(): Response {
    return json({ error: { code: this.code, message: this.message, hint: this.hint ?? null } }, this.status);
  }
}

/** The error PostgREST answered (supabase-js `PostgrestError`), as far as we use it. */
export interface PostgrestErrorLike {
  code?: string | null;
  message?: string | null;
  hint?: string | null;
  details?: string | null;
}

/**
 * Maps an error of one of our RPCs (start_analysis, cancel_analysis, …) to an HttpError:
 * 42501 not a member → 403, PT402 plan limit or locked subscription → 402, PT404 → 404,
 * PT409 conflict → 409, 22023 / 22P02 bad arguments → 400, JWT problems → 401, others → 500.
 */
export function fromPostgrest(error: PostgrestErrorLike): HttpError {
  const code = error.code ?? "";
  const message = error.message || "the database refused the request";
  const hint = error.hint ?? undefined;
  if (code === "42501") return new HttpError(403, "forbidden", message, hint);
  if (code === "PT402") return new HttpError(402, "plan_limit", message, hint);
  if (code === "PT404") return new HttpError(404, "not_found", message, hint);
  if (code === "PT409") return new HttpError(409, "conflict", message, hint);
  if (code === "22023" || code === "22P02" || code === "23514") {
    return new HttpError(400, "invalid_request", message, hint);
  }
  if (code.startsWith("PGRST3")) return new HttpError(401, "unauthorized", message, hint);
  return new HttpError(500, "database_error", message, hint);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID string. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/**
 * Reads the request body as a JSON object: 415 for another content type, 413 over `maxBytes`
 * (checked while reading, so a huge body is not buffered), 400 for anything but an object.
 */
export async function readJsonObject(request: Request, maxBytes = 1_000_000): Promise<Record<string, unknown>> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, "unsupported_media_type", "send the body as application/json");
  }
  const text = await readLimited(request, maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_request", "the request body must be a JSON object");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "invalid_request", "the request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

async function readLimited(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new HttpError(413, "too_large", `the request body is over ${maxBytes} bytes`);
  if (Number(request.headers.get("Content-Length") ?? 0) > maxBytes) throw tooLarge();
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(bytes);
}

/** The caller's `Authorization` header, or a 401 (verify_jwt normally answers first). */
export function bearer(request: Request): string {
  const authorization = request.headers.get("Authorization");
  if (!authorization || !/^Bearer\s+\S+$/i.test(authorization)) {
    throw new HttpError(401, "unauthorized", "sign in first: the request has no bearer token");
  }
  return authorization;
}

/** Runs a handler, turning thrown HttpErrors into their answers and anything else into a 500. */
export async function handle(request: Request, run: (request: Request) => Promise<Response>): Promise<Response> {
  if (request.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }
  if (request.method !== "POST") {
    return new HttpError(405, "method_not_allowed", "use POST").toResponse();
  }
  try {
    return await run(request);
  } catch (error) {
    if (error instanceof HttpError) {
      if (error.status === 401 || error.status === 403) {
        // Access-control failures are logged (never the token), as RLS denials are not.
        console.warn(`access denied: ${new URL(request.url).pathname} ${error.status} ${error.message}`);
      }
      return error.toResponse();
    }
    console.error("unexpected error:", error);
    return new HttpError(500, "internal_error", "the function failed unexpectedly; try again").toResponse();
  }
}
