// Deno's cache directory, handed to child `deno run` processes so they reuse the npm packages already fetched.
import { decodeOutput } from "./process.ts";

let cached: Promise<string> | undefined;

/** Deno's cache directory, the `denoDir` of `deno info --json` (looked up once). */
export function denoDir(): Promise<string> {
  cached ??= (async () => {
    const output = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
    return (JSON.parse(decodeOutput(output).stdout) as { denoDir: string }).denoDir;
  })();
  return cached;
}
