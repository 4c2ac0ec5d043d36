// Runs the proxy as a child process (deno run main.ts, or a compiled binary) and reads its listen URL.
import { fromFileUrl } from "./paths.ts";

/** A proxy process started by a test. */
export interface ProxyProcess {
  url: string;
  child: Deno.ChildProcess;
  /** Everything the process printed to stdout so far. */
  stdout(): string;
  /** Waits for exit; returns the code and all output. */
  wait(): Promise<{ code: number; stdout: string; stderr: string }>;
}

const MAIN = fromFileUrl(new URL("../../main.ts", import.meta.url));

/** The command that runs the proxy: `deno run -A main.ts`, or `CLAUDE_PROXY_BIN` when set. */
export function proxyCommand(
  args: string[],
  denoFlags: string[] = [],
): { command: string; args: string[] } {
  const bin = Deno.env.get("CLAUDE_PROXY_BIN");
  if (bin) return { command: bin, args };
  return { command: Deno.execPath(), args: ["run", "-A", ...denoFlags, MAIN, ...args] };
}

/** Starts the proxy with `args` and waits until it prints its listen URL. */
export async function startProxyProcess(
  args: string[],
  env: Record<string, string> = {},
  denoFlags: string[] = [],
): Promise<ProxyProcess> {
  const { command, args: fullArgs } = proxyCommand(args, denoFlags);
  const child = new Deno.Command(command, {
    args: fullArgs,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  let err = "";
  const decoder = new TextDecoder();
  const stderrDone = (async () => {
    for await (const chunk of child.stderr) err += decoder.decode(chunk, { stream: true });
  })();
  let resolveUrl!: (url: string) => void;
  let rejectUrl!: (error: Error) => void;
  const urlPromise = new Promise<string>((resolve, reject) => {
    resolveUrl = resolve;
    rejectUrl = reject;
  });
  const stdoutDone = (async () => {
    for await (const chunk of child.stdout) {
      out += decoder.decode(chunk, { stream: true });
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolveUrl(match[1]!);
    }
    rejectUrl(new Error(`Proxy exited before listening:\n${out}\n${err}`));
  })();
  const status = child.status;
  const url = await urlPromise;
  return {
    url,
    child,
    stdout: () => out,
    async wait() {
      const { code } = await status;
      await Promise.all([stdoutDone, stderrDone]);
      return { code, stdout: out, stderr: err };
    },
  };
}
