// Property-based: any config table, right or wrong, gives a config or one ConfigError, never a crash.
import assert from "node:assert/strict";
import fc from "fast-check";
import { resolveConfig } from "../../src/config/resolve.ts";
import { validateConfig } from "../../src/config/validate.ts";
import { ConfigError } from "../../src/errors.ts";
import { PROVIDER_PRESETS } from "../../src/providers/presets.ts";

const anyValue = fc.anything({ maxDepth: 2 });
/** Mostly `good`, now and then any value at all. */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: anyValue, weight: 1 });
/** Names a config may hold, the object's own property names among them. */
const odd = ["constructor", "toString", "__proto__", "hasOwnProperty", "", "x y"];
const presets = Object.keys(PROVIDER_PRESETS);
const name = fc.constantFrom(...presets, ...odd);
const provider = fc.record({
  name: mostly(name),
  base_url: mostly(fc.constantFrom("http://127.0.0.1:1/v1", "not a url", "")),
  api_key: mostly(fc.string()),
  api_key_env: mostly(fc.constantFrom("SOME_KEY", "")),
  api_key_from: mostly(fc.constantFrom("config", "client")),
  format: mostly(fc.constantFrom("openai", "openai-responses", "anthropic")),
  headers: mostly(fc.dictionary(fc.constantFrom("x-a", ...odd), fc.string())),
  timeout_ms: mostly(fc.integer()),
  quirks: mostly(fc.array(fc.constantFrom("tool_call_repair", "history_repair", ...odd))),
  drop_fields: mostly(fc.array(fc.constantFrom("metadata", "tools[].defer_loading", "", "[]"))),
  unsupported: mostly(fc.array(fc.constantFrom("images", "documents", "tool_choice", ...odd))),
}, { requiredKeys: [] });
const file = fc.record({
  port: mostly(fc.integer({ min: -1, max: 70_000 })),
  host: mostly(fc.constantFrom("127.0.0.1", "::1", "")),
  default_provider: mostly(name),
  provider: mostly(provider),
  providers: mostly(fc.dictionary(name, provider, { maxKeys: 3 })),
  models: mostly(
    fc.dictionary(
      fc.constantFrom("claude-*", "*haiku*", "**", ...odd),
      fc.constantFrom("m", "m@openai", "m@constructor", "@", "a@b@c", ""),
    ),
  ),
  model_options: mostly(fc.dictionary(
    fc.constantFrom("m", "gpt-*", ...odd),
    fc.record({
      max_tokens: mostly(fc.integer()),
      images: mostly(fc.boolean()),
      reasoning_effort: mostly(fc.constantFrom("low", "xhigh", "max")),
    }, { requiredKeys: [] }),
  )),
  upstream: mostly(
    fc.dictionary(fc.constantFrom("retries", "idle_timeout_ms", ...odd), fc.integer()),
  ),
  web_search: mostly(fc.record({ backend: anyValue, api_key: anyValue }, { requiredKeys: [] })),
}, { requiredKeys: [] }).chain((table) =>
  fc.dictionary(fc.constantFrom(...odd), anyValue, { maxKeys: 1 }).map((extra) => ({
    ...table,
    ...extra,
  }))
);

Deno.test("any config table gives a config or a ConfigError listing its problems", () => {
  fc.assert(
    fc.property(file, (raw) => {
      try {
        const checked = validateConfig(raw as Record<string, unknown>, { source: "c.toml" });
        const config = resolveConfig({ cli: {}, env: {}, file: checked, source: "c.toml" });
        assert.ok(Object.hasOwn(config.providers, config.defaultProvider));
      } catch (error) {
        assert.ok(error instanceof ConfigError, `${error}\n${JSON.stringify(raw)}`);
        assert.notEqual(error.message, "");
      }
    }),
    { numRuns: 1000 },
  );
});
