// Live checks against real providers, off unless asked for; they spend tokens on the caller's keys:
//   CLAUDE_PROXY_LIVE=openai,deepseek OPENAI_API_KEY=… DEEPSEEK_API_KEY=… deno task test:live
// Without CLAUDE_PROXY_LIVE this file registers no test.
import Anthropic from "@anthropic-ai/sdk";
import process from "node:process";
import { startProxy } from "../helpers/proxy.ts";
import { LIVE_CHECKS } from "./checks.ts";
import { LIVE_MODELS, liveConfig, liveTargets } from "./targets.ts";

const env = process.env;

for (const target of liveTargets(env)) {
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
