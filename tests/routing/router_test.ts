// The [router] rules: their order, what wins over them, the image rule on top, the reasons they give.
import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { FileConfig } from "../../src/config/validate.ts";
import { type RequestSignals, requestSignals } from "../../src/routing/request_signals.ts";
import { formatTokens, routeRequest, RULE_ORDER } from "../../src/routing/router.ts";
import type { MessagesRequestFields } from "../../src/wire/anthropic_types.ts";

const FILE: FileConfig = {
  providers: {
    main: { name: "openai", api_key: "sk-main" },
    side: { name: "deepseek", api_key: "sk-side" },
  },
  models: { "claude-opus-4-8": "pinned", "*opus*": "big", "*haiku*": "small", "*": "other" },
  model_options: { blind: { images: false } },
  router: {
    web_search: "searcher@side",
    long_context: "wide@side",
    long_context_tokens: 1000,
    subagent: "helper@side",
    background: "cheap@side",
    think: "thinker@side",
    image: "eyes@side",
  },
};

function config(file: FileConfig = FILE) {
  return resolveConfig({ cli: {}, env: {}, file, source: "test.toml" });
}

/** Signals with every rule's answer given, for the order tests. */
function signals(model: string, overrides: Partial<Omit<RequestSignals, "model">> = {}) {
  return {
    model,
    thinking: () => undefined,
    webSearch: () => false,
    images: () => false,
    subagent: () => undefined,
    inputTokens: () => 10,
    ...overrides,
  } as RequestSignals;
}

function body(fields: Partial<MessagesRequestFields>): MessagesRequestFields {
  return { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }], ...fields };
}

Deno.test("routeRequest applies the rules in the documented order", () => {
  assert.deepEqual(RULE_ORDER, [
    "web_search",
    "long_context",
    "subagent",
    "background",
    "think",
    "image",
  ]);
  const all = signals("claude-haiku-4-5", {
    webSearch: () => true,
    inputTokens: () => 5000,
    subagent: () => "x-claude-code-agent-id",
    thinking: () => "adaptive",
  });
  assert.equal(routeRequest(config(), all).route.model, "searcher");
  assert.equal(routeRequest(config(), { ...all, webSearch: () => false }).route.model, "wide");
  const small = { ...all, webSearch: () => false, inputTokens: () => 10 };
  assert.equal(routeRequest(config(), small).route.model, "helper");
  assert.equal(
    routeRequest(config(), { ...small, subagent: () => undefined }).route.model,
    "cheap",
  );
});

Deno.test("routeRequest routes a subagent's haiku call as a subagent's, not as background", () => {
  const decision = routeRequest(
    config(),
    signals("claude-haiku-4-5-20251001", { subagent: () => "cc_is_subagent" }),
  );
  assert.equal(decision.route.model, "helper");
  assert.deepEqual(decision.reasons, ["subagent: cc_is_subagent"]);
});

Deno.test("routeRequest gives each rule's reason", () => {
  const reasons = (s: RequestSignals) => routeRequest(config(), s).reasons;
  assert.deepEqual(reasons(signals("claude-sonnet-4-5", { webSearch: () => true })), [
    "web_search: the web search tool",
  ]);
  assert.deepEqual(reasons(signals("claude-sonnet-4-5", { inputTokens: () => 131_000 })), [
    "long_context: 131k > 1k",
  ]);
  assert.deepEqual(reasons(signals("claude-haiku-4-5")), ["background: haiku-class model"]);
  assert.deepEqual(reasons(signals("claude-sonnet-4-5", { thinking: () => "enabled" })), [
    "think: thinking enabled",
  ]);
});

Deno.test("routeRequest keeps the [models] route when no rule matches", () => {
  const decision = routeRequest(config(), signals("claude-opus-4-7"));
  assert.equal(decision.route.model, "big");
  assert.deepEqual(decision.reasons, []);
});

Deno.test("routeRequest lets an exact [models] name win over every rule", () => {
  const decision = routeRequest(
    config(),
    signals("claude-opus-4-8", { thinking: () => "adaptive", inputTokens: () => 1e6 }),
  );
  assert.equal(decision.route.model, "pinned");
  assert.deepEqual(decision.reasons, []);
});

Deno.test("routeRequest lets a model@provider the client named win over every rule", () => {
  const decision = routeRequest(
    config(),
    signals("claude-haiku-4-5@main", { subagent: () => "x-claude-code-agent-id" }),
  );
  assert.equal(decision.route.provider.name, "main");
  assert.equal(decision.route.model, "claude-haiku-4-5");
  assert.deepEqual(decision.reasons, []);
});

Deno.test("routeRequest sends images to the image rule only when the routed model cannot see them", () => {
  const file: FileConfig = { ...FILE, models: { "*": "blind" } };
  const withImage = signals("claude-sonnet-4-5", { images: () => true });
  const moved = routeRequest(config(file), withImage);
  assert.equal(moved.route.model, "eyes");
  assert.deepEqual(moved.reasons, ["image: blind cannot see images"]);
  assert.equal(routeRequest(config(file), signals("claude-sonnet-4-5")).route.model, "blind");
  assert.equal(routeRequest(config(), withImage).route.model, "other");
});

Deno.test("routeRequest checks images on the target another rule picked", () => {
  const file: FileConfig = {
    ...FILE,
    router: { think: "blind@side", image: "eyes@side" },
  };
  const decision = routeRequest(
    config(file),
    signals("claude-sonnet-4-5", { thinking: () => "adaptive", images: () => true }),
  );
  assert.equal(decision.route.model, "eyes");
  assert.deepEqual(decision.reasons, [
    "think: thinking adaptive",
    "image: blind cannot see images",
  ]);
});

Deno.test("routeRequest looks at no signal when no [router] is set", () => {
  const touched: string[] = [];
  const spy = new Proxy(signals("claude-sonnet-4-5"), {
    get(target, key) {
      if (key !== "model") touched.push(String(key));
      return target[key as keyof RequestSignals];
    },
  });
  const file: FileConfig = { ...FILE, router: {} };
  assert.equal(routeRequest(config(file), spy).route.model, "other");
  assert.deepEqual(touched, []);
});

Deno.test("routeRequest reads a real body: thinking moves a request, a text mentioning it does not", () => {
  const headers = new Headers();
  const read = (fields: Partial<MessagesRequestFields>) => {
    const b = body(fields);
    const text = JSON.stringify(b);
    return routeRequest(
      config(),
      requestSignals(b.model, { headers, text, byteLength: text.length, body: b }),
    );
  };
  assert.equal(read({ thinking: { type: "adaptive" } }).route.model, "thinker");
  assert.equal(read({ thinking: { type: "disabled" } }).route.model, "other");
  const quoted = '"thinking":{"type":"enabled","budget_tokens":1}';
  assert.equal(read({ messages: [{ role: "user", content: quoted }] }).route.model, "other");
});

Deno.test("formatTokens writes counts in a few characters", () => {
  assert.equal(formatTokens(950), "950");
  assert.equal(formatTokens(131_072), "131k");
  assert.equal(formatTokens(1_200_000), "1.2M");
});
