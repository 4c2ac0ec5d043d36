// Live checks against real providers, off unless asked for; they spend tokens on the caller's keys:
//   CLAUDE_PROXY_LIVE=openai,deepseek OPENAI_API_KEY=… DEEPSEEK_API_KEY=… deno task test:live
// Without CLAUDE_PROXY_LIVE this file registers no test (under `deno task test:live`, one that says so).
import Anthropic from "@anthropic-ai/sdk";
import process from "node:process";
import { startProxy } from "../helpers/proxy.ts";
import { LIVE_CHECKS } from "./checks.ts";
import { LIVE_MODELS, liveConfig, liveTargets } from "./targets.ts";

const env = process.env;
const targets = liveTargets(env);

// `deno task test:live` without CLAUDE_PROXY_LIVE would check nothing: say what to set instead.
if (targets.length === 0 && env.CLAUDE_PROXY_LIVE_TASK) {
  Deno.test("live checks need CLAUDE_PROXY_LIVE", () => {
    throw new Error(
      "Set CLAUDE_PROXY_LIVE to the presets to check (e.g. openai,deepseek) or to all, " +
        "with their key variables",
    );
  });
}

for (const target of targets) {
  for (const check of LIVE_CHECKS) {
    const skipped = target.notApplicable[check.name];
    Deno.test({
      name: `live ${target.preset}${target.model ? ` (${target.model})` : ""}: ${check.name}`,
      ignore: skipped !== undefined,
      // Real network calls: the SDK's and the proxy's connections outlive a single test.
      sanitizeResources: false,
      sanitizeOps: false,
      fn: async () => {
        if (target.problem) throw new Error(target.problem);
        const proxy = startProxy(liveConfig(target, env));
        try {
          const client = new Anthropic({ baseURL: proxy.url, apiKey: "any", maxRetries: 2 });
          await check.run(client, LIVE_MODELS);
        } finally {
          await proxy.close();
        }
      },
    });
  }
}
