// Test-only: echoes what the function sees, so tests can check the stand-in's forwarding
// (path, query, headers, body), environment and runtime shims. A few paths exercise failure
// handling: /slow (sleeps), /exit (the process dies), /background (EdgeRuntime.waitUntil).

const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type, x-retry-count",
};

let backgroundRuns = 0;

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

Deno.serve(async (request: Request) => {
  if (request.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }
  const url = new URL(request.url);
  const route = url.pathname.split("/").slice(2).join("/");
  if (route === "slow") {
    const ms = Number(url.searchParams.get("ms") ?? "1000");
    await new Promise((resolve) => setTimeout(resolve, ms));
    return json({ slept: ms });
  }
  if (route === "exit") {
    Deno.exit(1);
  }
  if (route === "background") {
    // deno-lint-ignore no-explicit-any
    (globalThis as any).EdgeRuntime.waitUntil(
      new Promise((resolve) => setTimeout(resolve, 300)).then(() => backgroundRuns++),
    );
    return json({ scheduled: true });
  }
  if (route === "background-status") {
    return json({ backgroundRuns });
  }
  const text = await request.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: echoed as text
  }
  return json({
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: {
      authorization: request.headers.get("authorization"),
      "content-type": request.headers.get("content-type"),
      "x-custom": request.headers.get("x-custom"),
    },
    body,
    pid: Deno.pid,
    env: {
      SUPABASE_URL: Deno.env.get("SUPABASE_URL") ?? null,
      SUPABASE_ANON_KEY: Boolean(Deno.env.get("SUPABASE_ANON_KEY")),
      SUPABASE_SERVICE_ROLE_KEY: Boolean(Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")),
      SUPABASE_DB_URL: Boolean(Deno.env.get("SUPABASE_DB_URL")),
      HOME: Deno.env.get("HOME") ?? null,
    },
    // deno-lint-ignore no-explicit-any
    waitUntil: typeof (globalThis as any).EdgeRuntime?.waitUntil,
  });
});
