// The shipped program's `run` command: it starts the proxy, launches "claude" through it, and passes its exit code on.
import assert from "node:assert/strict";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { fakeModel, lastMessageText } from "../helpers/fake_model.ts";
import { startMockUpstream } from "../helpers/mock_upstream.ts";
import {
  makeTempHome,
  type ProxyCommand,
  runProxy,
  type Subject,
  subjects,
} from "./proxy_process.ts";

/** A stand-in for Claude Code: asks the proxy it was given one question, prints the answer, exits 7. */
const FAKE_CLAUDE = `
if (Deno.args[0] === "--version") {
  console.log("2.1.300 (Claude Code)");
  Deno.exit(0);
}
const base = Deno.env.get("ANTHROPIC_BASE_URL");
const response = await fetch(base + "/v1/messages", {
  method: "POST",
  headers: {
    "content-type": "application/json",
    authorization: "Bearer " + (Deno.env.get("ANTHROPIC_AUTH_TOKEN") ?? ""),
  },
  body: JSON.stringify({
    model: "claude-test-sonnet",
    max_tokens: 20,
    // The user's words, after the --settings JSON that run puts first.
    messages: [{ role: "user", content: (Deno.args[0] === "--settings" ? Deno.args.slice(2) : Deno.args).join(" ") }],
  }),
});
const message = await response.json();
console.log(JSON.stringify({ base, status: response.status, text: message.content?.[0]?.text }));
Deno.exit(7);
`;

function defineRunTests({ label, command }: Subject) {
  Deno.test({
    name: `${label}: run starts the proxy, runs claude through it and exits with claude's code`,
    // The stand-in claude is a POSIX shell script.
    ignore: command === undefined || Deno.build.os === "windows",
    fn: () => runThroughProxy(command!),
  });
}

async function runThroughProxy(command: ProxyCommand) {
  const home = await makeTempHome();
  const mock = await startMockUpstream(
    fakeModel((request: ChatCompletionRequest) => ({ text: `echo: ${lastMessageText(request)}` })),
  );
  try {
    const claude = `${home.dir}/fake-claude`;
    await Deno.writeTextFile(`${claude}.ts`, FAKE_CLAUDE);
    await Deno.writeTextFile(
      claude,
      `#!/bin/sh\nexec "${Deno.execPath()}" run --quiet --allow-env --allow-net "$0.ts" "$@"\n`,
    );
    await Deno.chmod(claude, 0o755);
    await Deno.writeTextFile(
      `${home.dir}/config.toml`,
      `[provider]\nname = "custom"\nbase_url = "${mock.url}"\napi_key = "sk-test"\n\n` +
        `[models]\n"claude-test-sonnet" = "gpt-4o"\n`,
    );
    const result = await runProxy(command, {
      args: ["run", "-c", "config.toml", "--claude", claude, "--", "hello", "there"],
      home,
    });
    assert.equal(result.code, 7, `${result.stderr}\n${result.stdout}`);
    const answer = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    assert.match(answer.base, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual({ status: answer.status, text: answer.text }, {
      status: 200,
      text: "echo: hello there",
    });
    assert.equal(mock.requests.length, 1);
    assert.equal(mock.requests[0]!.json<ChatCompletionRequest>().model, "gpt-4o");
    assert.match(result.stderr, /started at http:\/\/127\.0\.0\.1:\d+ for this session/);
  } finally {
    await mock.close();
    await home.remove();
  }
}

for (const subject of await subjects()) defineRunTests(subject);
