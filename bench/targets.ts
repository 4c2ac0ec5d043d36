// The processes a benchmark run talks to: the mock upstream, claude-proxy and claude-code-router.
import { resolve } from "node:path";
import { makeTempHome, startProxyProcess } from "../tests/binary/proxy_process.ts";
import { denoDir } from "../tests/helpers/deno_dir.ts";

/** A server in a child process. */
export interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const ROOT = new URL("../", import.meta.url);
const decoder = new TextDecoder();

/** The claude-code-router release compared against. */
export const CCR_PACKAGE = "@musistudio/claude-code-router@2.0.0";

/** Starts a child and waits (up to `timeoutMs`) for its stdout to print `pattern`. */
async function spawnUntil(
  command: Deno.Command,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<{ child: Deno.ChildProcess; match: RegExpExecArray; output: () => string }> {
  const child = command.spawn();
  let out = "";
  let err = "";
  const drain = async (stream: ReadableStream<Uint8Array>, add: (text: string) => void) => {
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }));
  };
  let resolveMatch!: (match: RegExpExecArray) => void;
  const matched = new Promise<RegExpExecArray>((resolve) => (resolveMatch = resolve));
  drain(child.stdout, (text) => {
    out += text;
    const match = pattern.exec(out);
    if (match) resolveMatch(match);
  }).catch(() => {});
  drain(child.stderr, (text) => (err += text)).catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const match = await Promise.race([
      matched,
      child.status.then(({ code }) => {
        throw new Error(`Exited with ${code} before starting:\n${out}\n${err}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Not started after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { child, match, output: () => out + err };
  } catch (error) {
    stopChild(child);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function stopChild(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  return child.status.then(() => {});
}

/** Starts the mock OpenAI upstream in its own process. */
export async function startMock(): Promise<ServerProcess> {
  const script = new URL("bench/mock_openai.ts", ROOT).pathname;
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-net", script],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const { child, match } = await spawnUntil(command, /listening on (http:\/\/\S+)/);
  return { url: match[1]!, pid: child.pid, stop: () => stopChild(child) };
}

/** The absolute path of `name` on PATH. */
export async function onPath(name: string): Promise<string> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    const path = `${dir}/${name}`;
    try {
      if ((await Deno.stat(path)).isFile) return await Deno.realPath(path);
    } catch {
      // Not in this directory.
    }
  }
  throw new Error(`${name} is not on PATH`);
}

/** A runtime the bare proxy runs on. */
export type BareRuntime = "deno" | "bun";

/** Starts bench/bare_proxy.ts, a plain forwarder, on `runtime` in its own process. */
export async function startBareProxy(
  upstream: string,
  runtime: BareRuntime,
  options: { prefix?: string[] } = {},
): Promise<ServerProcess> {
  const script = new URL("bench/bare_proxy.ts", ROOT).pathname;
  // A prefix (an emulator, valgrind) may not search PATH for the program it runs.
  const bun = options.prefix ? await onPath("bun") : "bun";
  const [program, ...args] = [
    ...(options.prefix ?? []),
    ...(runtime === "bun"
      ? [bun, script, upstream]
      : [Deno.execPath(), "run", "--quiet", "--allow-net", script, upstream]),
  ] as [string, ...string[]];
  const command = new Deno.Command(program, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const { child, match } = await spawnUntil(command, /listening on (http:\/\/\S+)/);
  return { url: match[1]!, pid: child.pid, stop: () => stopChild(child) };
}

/** Options for {@linkcode startClaudeProxy}. */
export interface ProxyOptions {
  binary?: string;
  /** A command to run the binary under (QEMU counting instructions). */
  prefix?: string[];
  /** More environment, e.g. `BUN_OPTIONS` for a Bun-compiled binary. */
  env?: Record<string, string>;
  denoFlags?: string[];
  checkout?: string;
  /**
   * Client model → upstream model, routed to an Anthropic-format provider (the `anthropic` preset
   * pointed at the mock, key `anthropicKey`) for the passthrough cases.
   */
  passthrough?: Record<string, string>;
  anthropicKey?: string;
}

/** The proxy's config: the mock as the default (OpenAI-format) provider, and the passthrough routes. */
export function proxyConfig(upstream: string, options: ProxyOptions = {}): string {
  const lines = [
    "[provider]",
    'name = "custom"',
    `base_url = "${upstream}/v1"`,
    'api_key = "sk-bench-upstream-key"',
  ];
  const routes = Object.entries(options.passthrough ?? {});
  if (routes.length > 0) {
    lines.push(
      "",
      "[providers.anthropic]",
      `base_url = "${upstream}"`,
      `api_key = ${JSON.stringify(options.anthropicKey ?? "sk-ant-bench-upstream-key")}`,
      "",
      "[models]",
      ...routes.map(([client, model]) => `${JSON.stringify(client)} = "${model}@anthropic"`),
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * Starts claude-proxy as a user would (`deno run -A main.ts`, or `binary` when given) with a
 * config pointing at the mock, in a throwaway home, writing its request log there.
 */
export async function startClaudeProxy(
  upstream: string,
  options: ProxyOptions = {},
): Promise<ServerProcess & { logPath: string }> {
  const home = await makeTempHome();
  const config = `${home.dir}/config.toml`;
  const logPath = `${home.dir}/requests.jsonl`;
  await Deno.writeTextFile(config, proxyConfig(upstream, options));
  const main = options.checkout
    ? resolve(options.checkout, "main.ts")
    : new URL("main.ts", ROOT).pathname;
  const prefix = options.prefix ?? [];
  const command = options.binary
    ? prefix.length > 0
      ? {
        label: "binary",
        program: prefix[0]!,
        args: [...prefix.slice(1), resolve(options.binary)],
        env: {},
      }
      : { label: "binary", program: resolve(options.binary), args: [], env: {} }
    : {
      label: "deno run main.ts",
      program: Deno.execPath(),
      args: ["run", "--quiet", "-A", ...(options.denoFlags ?? []), main],
      env: { DENO_DIR: await denoDir(), DENO_NO_UPDATE_CHECK: "1" },
    };
  const proxy = await startProxyProcess(command, {
    args: ["-c", config, "-p", "0", "--log-file", logPath],
    home,
    ...(options.env ? { env: options.env } : {}),
  });
  return {
    url: proxy.url,
    pid: proxy.process.pid,
    logPath,
    async stop() {
      await proxy.stop("SIGTERM");
      await home.remove();
    },
  };
}

async function freePort(): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return await Promise.resolve(port);
}

/**
 * Installs claude-code-router 2.0.0 with npm into a temporary prefix and starts it (`ccr start`,
 * in the foreground) with a config that routes `mock,<model>` to the mock. File logging is off,
 * which only helps it.
 */
export async function startClaudeCodeRouter(
  upstream: string,
  models: string[],
): Promise<ServerProcess> {
  const dir = await Deno.makeTempDir({ prefix: "claude-proxy-bench-ccr-" });
  const install = await new Deno.Command("npm", {
    args: ["install", "--silent", "--no-audit", "--no-fund", "--prefix", dir, CCR_PACKAGE],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!install.success) {
    throw new Error(`npm install ${CCR_PACKAGE} failed:\n${decoder.decode(install.stderr)}`);
  }
  const port = await freePort();
  await Deno.mkdir(`${dir}/home/.claude-code-router`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/home/.claude-code-router/config.json`,
    JSON.stringify({
      LOG: false,
      HOST: "127.0.0.1",
      PORT: port,
      API_TIMEOUT_MS: 600_000,
      Providers: [{
        name: "mock",
        api_base_url: `${upstream}/v1/chat/completions`,
        api_key: "sk-bench-upstream-key",
        models,
      }],
      Router: { default: `mock,${models[0]}` },
    }),
  );
  const cli = `${dir}/node_modules/@musistudio/claude-code-router/dist/cli.js`;
  const child = new Deno.Command("node", {
    args: [cli, "start"],
    cwd: dir,
    env: { HOME: `${dir}/home`, PATH: Deno.env.get("PATH") ?? "", NO_COLOR: "1" },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/health`);
      await response.body?.cancel();
      break;
    } catch (error) {
      if (performance.now() > deadline) {
        await stopChild(child);
        throw new Error(`claude-code-router did not answer on ${url}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      await stopChild(child);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
