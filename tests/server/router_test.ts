// Routing by kind of request through the proxy: subagents, background calls, long inputs (parsed or
// forwarded unparsed), images, web search, and a model@provider named by the client.
import assert from "node:assert/strict";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { fakeAnthropicModel } from "../helpers/fake_anthropic_model.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { withGateway } from "../helpers/gateway_stack.ts";

const FIRST_TURN = new URL("../fixtures/claude-code/first-turn.request.json", import.meta.url);

const REQUEST = {
  model: "claude-sonnet-4-5",
  max_tokens: 100,
  messages: [{ role: "user", content: "hi" }],
};

/** `main` speaks Chat Completions and takes every Claude model; `side` speaks Anthropic. */
const TOML = `
[providers.main]
name = "openai"
base_url = "{url:main}"
api_key = "sk-main-key-000000001"
[providers.side]
name = "anthropic"
base_url = "{url:side}"
api_key = "sk-side-key-000000002"
[models]
"claude-sonnet-4-5-exact" = "pinned@main"
"*" = "main-model@main"
[model_options.blind]
images = false
[router]
subagent = "helper@side"
background = "cheap@side"
long_context = "wide@side"
long_context_tokens = 2000
image = "eyes@side"
web_search = "searcher@side"
[upstream]
retries = 0
`;

const providers = () => ({
  main: fakeModel((request) => ({ text: `main answered ${request.model}` })),
  side: fakeAnthropicModel((request) => ({ text: `side answered ${request.model}` })),
});

Deno.test("dispatch sends a subagent's request, known by its header, to the subagent target", async () => {
  await withGateway({ providers: providers(), toml: TOML }, async ({ mocks, exchange }) => {
    const { response, record } = await exchange(REQUEST, { "x-claude-code-agent-id": "agent-7" });
    assert.equal(response.status, 200);
    assert.equal(record.provider, "side");
    assert.equal(record.upstream_model, "helper");
    assert.deepEqual(record.routing, ["subagent: x-claude-code-agent-id"]);
    assert.equal(mocks.side!.requests[0]!.json<MessagesRequest>().model, "helper");
    assert.equal(mocks.main!.requests.length, 0);
  });
});

Deno.test("dispatch sends Claude Code's haiku calls to the background target", async () => {
  await withGateway({ providers: providers(), toml: TOML }, async ({ exchange }) => {
    const { record } = await exchange({ ...REQUEST, model: "claude-haiku-4-5-20251001" });
    assert.equal(record.upstream_model, "cheap");
    assert.deepEqual(record.routing, ["background: haiku-class model"]);
  });
});

Deno.test("dispatch keeps a request no rule matches on its [models] route, with no routing note", async () => {
  await withGateway({ providers: providers(), toml: TOML }, async ({ exchange }) => {
    const { text, record } = await exchange(REQUEST);
    assert.match(text, /main answered main-model/);
    assert.equal(record.routing, undefined);
  });
});

Deno.test("dispatch lets an exact [models] name win over the rules", async () => {
  await withGateway({ providers: providers(), toml: TOML }, async ({ exchange }) => {
    const { record } = await exchange(
      { ...REQUEST, model: "claude-sonnet-4-5-exact" },
      { "x-claude-code-agent-id": "agent-7" },
    );
    assert.equal(record.upstream_model, "pinned");
    assert.equal(record.routing, undefined);
  });
});

Deno.test("dispatch sends a long input to the long-context target, estimated from its size", async () => {
  await withGateway({ providers: providers(), toml: TOML }, async ({ exchange }) => {
    const long = { ...REQUEST, messages: [{ role: "user", content: "word ".repeat(3000) }] };
    const { record } = await exchange(long);
    assert.equal(record.upstream_model, "wide");
    const bytes = new TextEncoder().encode(JSON.stringify(long)).length;
    assert.deepEqual(record.routing, [`long_context: ${Math.round(bytes / 3 / 1000)}k > 2k`]);
  });
});

Deno.test("dispatch routes Claude Code's own request as it forwards it unparsed", async () => {
  const fixture = JSON.parse(Deno.readTextFileSync(FIRST_TURN));
  const text = JSON.stringify(fixture.body);
  // Every Claude model on the Anthropic-format provider, which changes nothing: the bytes go as sent.
  const toml = TOML.replace('"*" = "main-model@main"', '"*" = "claude-opus-4-8@side"')
    .replace("long_context_tokens = 2000", "long_context_tokens = 20000");
  await withGateway({ providers: providers(), toml }, async ({ mocks, exchange }) => {
    const { response, record } = await exchange(text);
    assert.equal(response.status, 200);
    const tokens = Math.ceil(new TextEncoder().encode(text).length / 3);
    assert.deepEqual(record.routing, [`long_context: ${Math.round(tokens / 1000)}k > 20k`]);
    const sent = mocks.side!.requests[0]!.body;
    assert.equal(sent, text.replace('"model":"claude-opus-4-8"', '"model":"wide"'));
  });
});

Deno.test("dispatch knows a subagent from the billing block of a body it forwards unparsed", async () => {
  const fixture = JSON.parse(Deno.readTextFileSync(FIRST_TURN));
  const text = JSON.stringify(fixture.body).replace(
    "cc_entrypoint=sdk-cli;",
    "cc_entrypoint=sdk-cli; cc_is_subagent=true;",
  );
  const toml = TOML.replace('"*" = "main-model@main"', '"*" = "claude-opus-4-8@side"')
    .replace("long_context_tokens = 2000", "long_context_tokens = 200000");
  await withGateway({ providers: providers(), toml }, async ({ mocks, exchange }) => {
    const { record } = await exchange(text);
    assert.deepEqual(record.routing, ["subagent: cc_is_subagent"]);
    assert.equal(
      mocks.side!.requests[0]!.body,
      text.replace('"model":"claude-opus-4-8"', '"model":"helper"'),
    );
  });
});

Deno.test("dispatch sends images to the image target when the routed model cannot see them", async () => {
  const toml = TOML.replace('"*" = "main-model@main"', '"*" = "blind@main"');
  const withImage = {
    ...REQUEST,
    messages: [{
      role: "user",
      content: [
        {
          type: "image",
          source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" },
        },
        { type: "text", text: "What is this?" },
      ],
    }],
  };
  await withGateway({ providers: providers(), toml }, async ({ mocks, exchange }) => {
    const { response, record } = await exchange(withImage);
    assert.equal(response.status, 200);
    assert.equal(record.upstream_model, "eyes");
    assert.deepEqual(record.routing, ["image: blind cannot see images"]);
    const { record: plain } = await exchange(REQUEST);
    assert.equal(plain.upstream_model, "blind");
    assert.equal(mocks.main!.requests.length, 1);
  });
});

Deno.test("dispatch sends a request with the web search tool to the web search target", async () => {
  await withGateway({ providers: providers(), toml: TOML }, async ({ mocks, exchange }) => {
    const { record } = await exchange({
      ...REQUEST,
      tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 5 }],
    });
    assert.equal(record.upstream_model, "searcher");
    assert.deepEqual(record.routing, ["web_search: the web search tool"]);
    assert.equal(mocks.side!.requests[0]!.json<MessagesRequest>().tools?.[0]?.name, "web_search");
  });
});

Deno.test("dispatch sends a model@provider the client named there, past every rule", async () => {
  await withGateway({ providers: providers(), toml: TOML }, async ({ mocks, exchange }) => {
    const { text, record } = await exchange(
      { ...REQUEST, model: "deepseek-chat@MAIN" },
      { "x-claude-code-agent-id": "agent-7" },
    );
    assert.match(text, /main answered deepseek-chat/);
    assert.match(
      text,
      /"model":"deepseek-chat@MAIN"/,
      "the answer names the model as the client did",
    );
    assert.equal(record.provider, "main");
    assert.equal(record.upstream_model, "deepseek-chat");
    assert.equal(record.routing, undefined);
    assert.equal(mocks.main!.requests[0]!.json<ChatCompletionRequest>().model, "deepseek-chat");
  });
});

Deno.test("dispatch answers a model@provider whose provider is not configured with a 404 Claude Code understands", async () => {
  await withGateway({ providers: providers(), toml: TOML }, async ({ mocks, exchange }) => {
    const { response, text } = await exchange({ ...REQUEST, model: "deepseek-chat@deepseek" });
    assert.equal(response.status, 404);
    const error = JSON.parse(text).error;
    assert.equal(error.type, "not_found_error");
    assert.match(error.message, /^model: "deepseek-chat@deepseek" names provider "deepseek"/);
    assert.equal(mocks.main!.requests.length + mocks.side!.requests.length, 0);
  });
});
