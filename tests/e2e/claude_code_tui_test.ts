// The first interactive session, as a person runs it: the real Claude Code terminal UI (both pinned
// versions) in tmux, started by `claude-proxy run` in a fresh HOME, against a mock OpenAI provider;
// 2.1.337's auto mode checks the command with its own classifier through the proxy.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { REPO } from "../cli/sandbox.ts";
import {
  CLAUDE_CODE_VERSIONS,
  claudeCodeBinary,
  hasClaudeCode,
  NEWEST_CLAUDE_CODE,
} from "../helpers/claude_cli.ts";
import { denoDir } from "../helpers/deno_dir.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { startMockUpstream } from "../helpers/mock_upstream.ts";
import { withTempDir } from "../helpers/paths.ts";
import { answer, answerUntil, submit } from "../helpers/claude_tui.ts";
import { hasTmux, startTerminal } from "../helpers/tmux.ts";
import { AUTO_MODE_COMMAND, AUTO_MODE_PROMPT } from "../helpers/record_claude_code.ts";

const MARKER = "tui-e2e-3b91c7";
const PROMPT = AUTO_MODE_PROMPT;
const ANSWER = `The command printed: ${MARKER}`;
/** Whether a request is auto mode's safety check (Claude Code's own classifier). */
const isCheck = (request: ChatCompletionRequest) =>
  String(request.messages[0]?.content).startsWith("You are a security monitor");

/**
 * The model: on the main loop, run the marker command with Bash (a network request, which auto
 * mode checks before it runs), then report its output; as auto mode's check, allow it (in
 * whichever wording the check asks; past `</block>`, as models go on, for the proxy to cut).
 */
const MODEL = fakeModel((request: ChatCompletionRequest) => {
  if (isCheck(request)) {
    const severity = String(request.messages[0]?.content).includes("<severity>N</severity>");
    return { text: severity ? "<severity>5</severity>" : "<block>no</block> A closed local port." };
  }
  if (JSON.stringify(request.messages).includes("naming a coding session")) {
    return { text: '{"title": "Marker command"}' };
  }
  const result = request.messages.findLast((m) => m.role === "tool");
  if (result && String(result.content).includes(MARKER)) return { text: ANSWER };
  const asked = JSON.stringify(request.messages).includes(PROMPT);
  if (asked && !result && request.tools?.some((t) => t.function.name === "Bash")) {
    return {
      toolCalls: [{
        id: "call_marker",
        name: "Bash",
        arguments: { command: AUTO_MODE_COMMAND, description: "Print the marker" },
      }],
    };
  }
  return { text: "ok" };
});

/**
 * Runs one session: `claude-proxy run` in tmux, every question answered, the prompt typed, the
 * tool's answer awaited, then /exit. Returns the screens seen and the mock's requests.
 */
async function firstSession(version: string, home: string, root: string) {
  const mock = await startMockUpstream(MODEL);
  const project = join(root, "project");
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, "claude-proxy.toml"),
    `[provider]\nname = "custom"\nbase_url = "${mock.url}"\napi_key = "sk-upstream-tui"\n\n` +
      `[models]\n"*" = "fake-model"\n`,
  );
  const terminal = await startTerminal(
    [
      Deno.execPath(),
      "run",
      "-A",
      "--quiet",
      "--config",
      join(REPO, "deno.json"),
      join(REPO, "main.ts"),
      "run",
      "--claude",
      claudeCodeBinary(version),
    ],
    {
      cwd: project,
      socketDir: root,
      env: {
        HOME: home,
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        TERM: "xterm-256color",
        LANG: "C.UTF-8",
        DENO_DIR: await denoDir(),
        XDG_CONFIG_HOME: join(home, ".config"),
        XDG_STATE_HOME: join(home, ".local/state"),
        DISABLE_AUTOUPDATER: "1",
      },
    },
  );
  try {
    await answerUntil(terminal, (screen) => answer(screen) === "ready");
    await submit(terminal, PROMPT, () => mock.requests.some((r) => r.body.includes(PROMPT)));
    // Permission questions (2.1.197 asks before Bash) are answered with Yes; 2.1.337's auto mode
    // has its check decide instead.
    await answerUntil(terminal, (screen) => screen.includes(ANSWER));
    // The /model picker names where each family goes, and lists the routes of /v1/models.
    await terminal.send(["/model"], { literal: true });
    await terminal.waitFor((screen) => screen.includes("❯ /model") ? true : undefined);
    await terminal.send(["Enter"]);
    const picker = await terminal.waitFor((screen) =>
      /Opus → fake-model on custom/.test(screen) && /From gateway/.test(screen) ? screen : undefined
    );
    await terminal.send(["Escape"]);
    await terminal.waitFor((screen) => answer(screen) === "ready" ? true : undefined);
    await terminal.send(["/exit"], { literal: true });
    await terminal.send(["Enter"]);
    const code = await terminal.waitFor((screen) => terminal.exitCode(screen), 30_000);
    return { code, history: terminal.history, requests: mock.requests, picker };
  } finally {
    await terminal.close();
    await mock.close();
  }
}

const TUI_TEST = { sanitizeResources: false, sanitizeOps: false } as const;

/** Ignored without tmux, except where .ci/run installed it (CLAUDE_PROXY_REQUIRE_TMUX=1). */
function ignoreTui(version: string): boolean {
  const required = Deno.env.get("CLAUDE_PROXY_REQUIRE_TMUX") === "1";
  return !hasClaudeCode(version) || (!hasTmux() && !required);
}

for (const version of CLAUDE_CODE_VERSIONS) {
  Deno.test({
    name:
      `Claude Code ${version}'s terminal UI, started by claude-proxy run in a fresh HOME, reaches a working answer with Enter at every question`,
    ignore: ignoreTui(version),
    ...TUI_TEST,
    fn: () =>
      withTempDir("claude-proxy-tui-", async (root) => {
        const home = join(root, "home");
        mkdirSync(home);
        const session = await firstSession(version, home, root);
        const seen = session.history.join("\n");
        assert.doesNotMatch(seen, /Detected a custom API key/, "no API key question");
        assert.doesNotMatch(seen, /Not logged in|Unable to connect to Anthropic/);
        assert.equal(session.code, 0, "claude-proxy run passes claude's exit code on");
        const turns = session.requests.map((r) => r.json<ChatCompletionRequest>());
        const last = turns.findLast((t) => t.messages.some((m) => m.role === "tool"));
        assert.ok(last, "the tool's result went back to the model");
        assert.equal(last.model, "fake-model");
        const state = JSON.parse(readFileSync(join(home, ".claude.json"), "utf8"));
        assert.equal(state.hasCompletedOnboarding, true);
        assert.match(session.picker, /Sonnet → fake-model on custom/);
        assert.match(session.picker, /Sonnet 5 → fake-model on custom +From gateway/);
        if (!/auto mode on/.test(seen)) {
          assert.notEqual(version, NEWEST_CLAUDE_CODE, `${version} starts in auto mode`);
          return;
        }
        // Auto mode: Claude Code's own check, through the proxy, allowed the command; the user was
        // neither asked about it nor told that the server's check is missing.
        const checks = turns.filter(isCheck);
        assert.ok(checks.length > 0, "auto mode's check reached the provider");
        assert.ok(checks.every((c) => c.model === "fake-model"));
        assert.match(seen, /Allowed by auto mode/);
        assert.doesNotMatch(seen, /Do you want to proceed\?/);
        assert.doesNotMatch(seen, /can't check actions|isn't eligible|Not run/);
      }),
  });

  Deno.test({
    name:
      `Claude Code ${version} through claude-proxy run keeps every key of an existing .claude.json`,
    ignore: ignoreTui(version),
    ...TUI_TEST,
    fn: () =>
      withTempDir("claude-proxy-tui-", async (root) => {
        const home = join(root, "home");
        mkdirSync(home);
        const own = {
          theme: "light",
          numStartups: 4,
          myOwnSetting: { nested: [1, "two", null], note: "kept as it was" },
          mcpServers: { local: { command: "true", args: [] } },
        };
        const original = JSON.stringify(own, null, 2);
        writeFileSync(join(home, ".claude.json"), original);
        const session = await firstSession(version, home, root);
        assert.equal(session.code, 0);
        const state = JSON.parse(readFileSync(join(home, ".claude.json"), "utf8"));
        assert.equal(state.hasCompletedOnboarding, true);
        assert.equal(state.theme, "light");
        assert.deepEqual(state.myOwnSetting, own.myOwnSetting);
        assert.deepEqual(state.mcpServers, own.mcpServers);
        assert.ok(state.numStartups >= own.numStartups, "Claude Code counts its own starts");
        assert.ok(existsSync(join(home, ".claude.json.claude-proxy.bak")));
        assert.equal(readFileSync(join(home, ".claude.json.claude-proxy.bak"), "utf8"), original);
      }),
  });
}
