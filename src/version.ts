// The version of claude-proxy: the single source for --version, /health and the User-Agent.
import denoJson from "../deno.json" with { type: "json" };

/** The claude-proxy release version: deno.json's `version`, which release tags must match. */
export const VERSION: string = denoJson.version;
