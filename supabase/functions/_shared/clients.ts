// Supabase clients for the Edge Functions (contract §5): the caller's client (their JWT, so
// RLS and auth.uid() decide what they may do) and the service client (trusted work only,
// never for deciding who the caller is).

import { createClient, type SupabaseClient } from "npm:@supabase/supabase-js@2.112.2";

export type { SupabaseClient };

function env(name: string): string {
  const value = Deno.env.get(name);
  if (!value) {
    throw new Error(`${name} is not set (the Edge Runtime sets it)`);
  }
  return value;
}

const options = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

/** A client acting as the caller: every request carries their `Authorization` header. */
export function callerClient(authorization: string): SupabaseClient {
  return createClient(env("SUPABASE_URL"), env("SUPABASE_ANON_KEY"), {
    ...options,
    global: { headers: { Authorization: authorization } },
  });
}

/** The service-role client (bypasses RLS): only for the worker's own bookkeeping. */
export function serviceClient(): SupabaseClient {
  return createClient(env("SUPABASE_URL"), env("SUPABASE_SERVICE_ROLE_KEY"), options);
}

/** Whether the request carries the service role key (a function calling itself). */
export function isServiceCall(request: Request): boolean {
  const key = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY");
  return !!key && request.headers.get("Authorization") === `Bearer ${key}`;
}

/**
 * Calls another invocation of an Edge Function with the service key, retrying network errors
 * and 5xx a few times (the runtime may be restarting). Resolves with the status.
 */
export async function invokeAsService(name: string, body: unknown, attempts = 4): Promise<number> {
  const url = `${env("SUPABASE_URL")}/functions/v1/${name}`;
  const key = env("SUPABASE_SERVICE_ROLE_KEY");
  let last: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}`, apikey: key, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      await response.body?.cancel();
      if (response.status < 500) {
        return response.status;
      }
      last = new Error(`${name} answered ${response.status}`);
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
  }
  throw new Error(`could not invoke ${name}: ${String(last)}`);
}

/** Keeps `promise` running after the response (EdgeRuntime.waitUntil where it exists). */
export function background(promise: Promise<unknown>): void {
  const guarded = promise.catch((error) => console.error("background task failed:", error));
  // deno-lint-ignore no-explicit-any
  const runtime = (globalThis as any).EdgeRuntime;
  if (typeof runtime?.waitUntil === "function") {
    runtime.waitUntil(guarded);
  }
}
