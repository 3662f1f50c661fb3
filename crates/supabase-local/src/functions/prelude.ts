// Loaded by the local stand-in (crates/supabase-local) before an Edge Function's index.ts,
// in its own Deno process. It makes plain Deno behave like the Supabase edge runtime where
// functions notice:
// - `EdgeRuntime.waitUntil(promise)` keeps background work alive after the response;
//   on shutdown (SIGTERM) the process waits for it before exiting, and dispatches
//   `beforeunload` first, as the edge runtime does.
// - `Deno.serve(...)` (and `export default { fetch }`) listen on a loopback port chosen by
//   the system, announced on stdout for the stand-in, whatever port the function asked for.
// - The process exits when the stand-in that started it is gone.
//
// Usage: deno run ... prelude.ts <file URL of the function's entry point>

const LISTENING_MARKER = "SUPABASE_LOCAL_LISTENING";
const SHUTDOWN_GRACE_MS = 5_000;

const pending = new Set<Promise<unknown>>();

// deno-lint-ignore no-explicit-any
(globalThis as any).EdgeRuntime = {
  waitUntil(promise: Promise<unknown>): Promise<unknown> {
    const tracked = Promise.resolve(promise).catch((error) => {
      console.error("EdgeRuntime.waitUntil task failed:", error);
    });
    pending.add(tracked);
    tracked.finally(() => pending.delete(tracked));
    return promise;
  },
};

type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

const originalServe = Deno.serve.bind(Deno);
let server: Deno.HttpServer | undefined;

// deno-lint-ignore no-explicit-any
function serve(...args: any[]): Deno.HttpServer {
  let options: Record<string, unknown> = {};
  let handler: Handler | undefined;
  if (typeof args[0] === "function") {
    handler = args[0];
  } else {
    options = { ...(args[0] ?? {}) };
    handler = typeof args[1] === "function" ? args[1] : (options.handler as Handler | undefined);
  }
  if (!handler) {
    throw new TypeError("Deno.serve: a handler is required");
  }
  delete options.handler;
  delete options.path;
  delete options.cert;
  delete options.key;
  const userOnListen = options.onListen as ((address: Deno.NetAddr) => void) | undefined;
  const first = server === undefined;
  const started = originalServe({
    ...options,
    hostname: "127.0.0.1",
    port: 0,
    onListen(address: Deno.NetAddr) {
      if (first) {
        console.log(`${LISTENING_MARKER} ${address.port}`);
      }
      userOnListen?.(address);
    },
  }, handler);
  server ??= started;
  return started;
}

// deno-lint-ignore no-explicit-any
(Deno as any).serve = serve;

let shuttingDown = false;
async function shutdown(): Promise<never> {
  if (shuttingDown) {
    return await new Promise<never>(() => {});
  }
  shuttingDown = true;
  globalThis.dispatchEvent(new Event("beforeunload"));
  const settled = Promise.allSettled([...pending, server?.shutdown()]);
  const grace = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS));
  await Promise.race([settled, grace]);
  Deno.exit(0);
}

Deno.addSignalListener("SIGTERM", () => void shutdown());
Deno.addSignalListener("SIGINT", () => void shutdown());

// The stand-in runs each function in its own process group; if the stand-in dies without
// stopping us, our parent changes and we leave too.
const parent = Deno.ppid;
const watchdog = setInterval(() => {
  if (Deno.ppid !== parent) {
    void shutdown();
  }
}, 1_000);
Deno.unrefTimer(watchdog);

const entry = Deno.args[0];
if (!entry) {
  console.error("prelude.ts: missing the function's entry point");
  Deno.exit(2);
}
const module = await import(entry);
if (server === undefined && typeof module.default?.fetch === "function") {
  serve((request: Request, info: Deno.ServeHandlerInfo) => module.default.fetch(request, info));
}
if (server === undefined) {
  console.error("prelude.ts: the function never called Deno.serve");
  Deno.exit(3);
}
