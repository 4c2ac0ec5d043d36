// Records real Claude Code requests for tests/fixtures/claude-code/: its terminal UI in tmux against a local capture server.
//   deno run -A --config tests/deno.test.json tests/helpers/record_claude_code.ts 2.1.337 [--all]
//   deno run -A --config tests/deno.test.json tests/helpers/record_claude_code.ts 2.1.337 --auto-mode [--no-telemetry]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { claudeEnv } from "../../src/commands/claude_env.ts";
import { listModels } from "../../src/server/models.ts";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import { claudeCodeBinary, NEWEST_CLAUDE_CODE } from "./claude_cli.ts";
import { answer, answerUntil, submit } from "./claude_tui.ts";
import { fakeAnthropicModel } from "./fake_anthropic_model.ts";
import { jsonResponse, type RecordedRequest, startMockUpstream } from "./mock_upstream.ts";
import { fromFileUrl } from "./paths.ts";
import { testConfig } from "./proxy.ts";
import { startTerminal, type Terminal } from "./tmux.ts";

/** What the recorded session asks: the main model starts a subagent, and a title is made for it. */
export const RECORD_PROMPT = "Say pong, and have a subagent say pong too.";
const SUBAGENT_PROMPT = "Reply with the single word pong.";

/** The neutral values ids and paths are replaced with (as in the fixtures already there). */
const NEUTRAL = {
  uuid: "00000000-0000-4000-8000-000000000000",
  deviceId: "0".repeat(64),
  home: "/home/user",
  host: "127.0.0.1:4222",
};

/** Answers like the Anthropic API: a title as JSON, the Agent tool on the first turn, then pong. */
function brain(request: MessagesRequest) {
  if (request.output_config && "format" in request.output_config) {
    return { text: JSON.stringify({ title: "Pong from a subagent" }) };
  }
  const text = JSON.stringify(request.messages);
  const answered = text.includes('"tool_result"');
  if (!answered && text.includes(RECORD_PROMPT) && request.tools?.some((t) => t.name === "Agent")) {
    return {
      toolCalls: [{
        id: "toolu_record_agent",
        name: "Agent",
        arguments: {
          description: "Say pong",
          prompt: SUBAGENT_PROMPT,
          subagent_type: "general-purpose",
        },
      }],
    };
  }
  return { text: "pong" };
}

/** One recorded request with its ids, device id and paths replaced by neutral values. */
export function neutralize(request: RecordedRequest, root: string): unknown {
  let text = JSON.stringify({
    method: request.method,
    url: request.path,
    headers: { ...request.headers, host: NEUTRAL.host },
    body: request.json(),
  });
  // Claude Code also names the project's folder after its path, with "-" for each separator.
  const slug = (path: string) => path.replace(/[^A-Za-z0-9]/g, "-");
  text = text.replaceAll(root, NEUTRAL.home)
    .replaceAll(slug(root), slug(NEUTRAL.home))
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, NEUTRAL.uuid)
    .replace(/(\\"device_id\\":\\")[0-9a-f]{64}/g, `$1${NEUTRAL.deviceId}`);
  return JSON.parse(text);
}

/** Which of the session's requests is which: the first main turn, the title, the subagent's. */
export function pickRequests(requests: RecordedRequest[]) {
  const messages = requests.filter((r) => r.path.startsWith("/v1/messages") && r.method === "POST")
    .filter((r) => !r.path.includes("count_tokens"));
  const body = (r: RecordedRequest) => r.json<MessagesRequest>();
  const title = messages.find((r) => {
    const config = body(r).output_config;
    return config !== undefined && "format" in config;
  });
  const main = messages.find((r) =>
    body(r).tools?.some((t) => "defer_loading" in t && t.defer_loading) &&
    JSON.stringify(body(r).messages).includes(RECORD_PROMPT)
  );
  const subagent = messages.find((r) =>
    JSON.stringify(body(r).messages[0]).includes(SUBAGENT_PROMPT)
  );
  return { main, title, subagent };
}

/** What the auto-mode session asks: a command auto mode checks before it runs (a network request). */
export const AUTO_MODE_PROMPT = "Run the marker command and tell me what it printed.";
/** The command the model runs in it; nothing listens on port 9, so curl fails and echo prints. */
export const AUTO_MODE_COMMAND =
  "curl -s --max-time 2 -o /dev/null http://127.0.0.1:9/ ; echo tui-e2e-3b91c7";

/** Whether a request is one of auto mode's own safety checks (Claude Code's classifier). */
export function isAutoModeCheck(request: MessagesRequest): boolean {
  return JSON.stringify(request.system ?? "").includes("You are a security monitor");
}

/**
 * How a check asks for its verdict: `<block>yes|no</block>` (its first stage stops at
 * `</block>`), or `<severity>0-100</severity>`. Claude Code picks one by its remote settings,
 * which it may not have loaded yet at the first check, so both are seen.
 */
export function checkWording(request: MessagesRequest): "block" | "severity" {
  return JSON.stringify(request.system).includes("<severity>N</severity>") ? "severity" : "block";
}

/** Whether a check is its first stage: a verdict alone, in at most 64 tokens. */
function isFirstStage(request: MessagesRequest): boolean {
  return request.max_tokens <= 64;
}

/**
 * Answers like the Anthropic API in the auto-mode session: the title as JSON; the check's first
 * stage "block" so that its second stage runs too, which allows the command; the command on the
 * first turn, the marker after it; a summary when asked to compact.
 */
function autoModeBrain(request: MessagesRequest) {
  if (request.output_config && "format" in request.output_config) {
    return { text: JSON.stringify({ title: "Marker command" }) };
  }
  if (isAutoModeCheck(request)) {
    const severity = checkWording(request) === "severity";
    if (isFirstStage(request)) return { text: severity ? "<severity>80</severity>" : "<block>yes" };
    return {
      text: `<thinking>A request to a closed local port.</thinking>${
        severity ? "<severity>10</severity>" : "<block>no</block>"
      }`,
    };
  }
  const text = JSON.stringify(request.messages);
  if (text.includes("create a detailed summary of the conversation")) {
    return {
      text: "<analysis>Ran the marker.</analysis><summary>The marker was printed.</summary>",
    };
  }
  if (text.includes('"tool_result"')) return { text: "The command printed: tui-e2e-3b91c7" };
  if (text.includes(AUTO_MODE_PROMPT) && request.tools?.some((t) => t.name === "Bash")) {
    return {
      toolCalls: [{
        id: "toolu_record_bash",
        name: "Bash",
        arguments: { command: AUTO_MODE_COMMAND, description: "Print the marker" },
      }],
    };
  }
  return { text: "ok" };
}

/** The auto-mode session's requests: the check's two stages and the compaction. */
export function pickAutoModeRequests(requests: RecordedRequest[]) {
  const messages = requests.filter((r) => r.path.startsWith("/v1/messages") && r.method === "POST")
    .filter((r) => !r.path.includes("count_tokens"));
  const body = (r: RecordedRequest) => r.json<MessagesRequest>();
  const checks = messages.filter((r) => isAutoModeCheck(body(r)));
  return {
    check: checks.find((r) => isFirstStage(body(r))),
    checkSecondStage: checks.find((r) => !isFirstStage(body(r))),
    compaction: messages.find((r) =>
      JSON.stringify(body(r).messages).includes("create a detailed summary of the conversation")
    ),
  };
}

/** The fixture a request of the auto-mode session goes to (a check's name says its wording). */
function autoModeFileName(kind: string, request: RecordedRequest): string {
  if (kind === "compaction") return "compaction";
  const wording = checkWording(request.json<MessagesRequest>());
  return `auto-mode-check-${wording}${kind === "checkSecondStage" ? "-second-stage" : ""}`;
}

/** Runs `/compact` at the prompt and waits for the compaction request. */
async function compact(terminal: Terminal, requests: RecordedRequest[]): Promise<void> {
  await answerUntil(terminal, (screen) => answer(screen) === "ready");
  await terminal.send(["/compact"], { literal: true });
  await terminal.waitFor((screen) => screen.includes("❯ /compact") ? true : undefined);
  await terminal.send(["Enter"]);
  await terminal.waitFor(() => pickAutoModeRequests(requests).compaction ? true : undefined);
}

/**
 * Records auto mode's safety check and a compaction as `claude-proxy run` starts Claude Code: its
 * environment (gateway model discovery answered, the server-side check off), a command the check
 * must allow, then `/compact`.
 */
async function recordAutoMode(version: string, outDir: string): Promise<void> {
  const brain = fakeAnthropicModel(autoModeBrain);
  const config = testConfig("http://127.0.0.1:9", { models: { "*": "fake-model" } });
  const mock = await startMockUpstream((request) =>
    request.path.startsWith("/v1/models")
      ? jsonResponse({ data: listModels(config, () => true), has_more: false })
      : brain(request)
  );
  const root = await Deno.makeTempDir({ prefix: "claude-code-record-" });
  const home = join(root, "home");
  const project = join(home, "project");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(home, ".claude.json"), '{\n  "hasCompletedOnboarding": true\n}\n');
  const env = claudeEnv(
    {
      HOME: home,
      PATH: "/usr/bin:/bin",
      TERM: "xterm-256color",
      LANG: "C.UTF-8",
      DISABLE_AUTOUPDATER: "1",
      // As `run` starts claude (offline, remote settings never load) the check asks for a yes/no
      // block; with DISABLE_TELEMETRY it takes its built-in settings: the severity wording.
      ...(Deno.args.includes("--no-telemetry") ? { DISABLE_TELEMETRY: "1" } : {}),
    },
    config,
    mock.url,
  );
  const terminal = await startTerminal([claudeCodeBinary(version)], {
    cwd: project,
    socketDir: root,
    env,
  });
  try {
    await answerUntil(terminal, (screen) => answer(screen) === "ready");
    await submit(
      terminal,
      AUTO_MODE_PROMPT,
      () => mock.requests.some((r) => r.body.includes(AUTO_MODE_PROMPT)),
    );
    await answerUntil(terminal, (screen) => screen.includes("The command printed: tui-e2e-3b91c7"));
    await compact(terminal, mock.requests);
    for (const r of mock.requests) say(`${r.method} ${r.path} (${r.body.length} bytes)`);
    for (const [kind, request] of Object.entries(pickAutoModeRequests(mock.requests))) {
      if (!request) throw new Error(`No ${kind} request was recorded`);
      const file = join(outDir, `${autoModeFileName(kind, request)}-${version}.request.json`);
      writeFileSync(file, JSON.stringify(neutralize(request, home), null, 2) + "\n");
      say(`wrote ${file}`);
    }
  } finally {
    await terminal.close();
    await mock.close();
    await Deno.remove(root, { recursive: true });
  }
}

function say(line: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(line + "\n"));
}

/** The fixture each recorded request goes to (`--all`; else only the subagent's). */
const FILE_NAMES = {
  main: "interactive-first-turn",
  title: "session-title",
  subagent: "subagent",
} as const;

async function record(version: string, outDir: string, all: boolean): Promise<void> {
  const mock = await startMockUpstream(fakeAnthropicModel(brain));
  const root = await Deno.makeTempDir({ prefix: "claude-code-record-" });
  const home = join(root, "home");
  const project = join(home, "project");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(home, ".claude.json"), '{\n  "hasCompletedOnboarding": true\n}\n');
  const terminal = await startTerminal([claudeCodeBinary(version)], {
    cwd: project,
    socketDir: root,
    env: {
      HOME: home,
      PATH: "/usr/bin:/bin",
      TERM: "xterm-256color",
      LANG: "C.UTF-8",
      ANTHROPIC_BASE_URL: mock.url,
      ANTHROPIC_AUTH_TOKEN: "any",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_TELEMETRY: "1",
    },
  });
  try {
    await answerUntil(terminal, (screen) => answer(screen) === "ready");
    await submit(terminal, RECORD_PROMPT, () => pickRequests(mock.requests).main !== undefined);
    await answerUntil(terminal, () => {
      const picked = pickRequests(mock.requests);
      return picked.title !== undefined && picked.subagent !== undefined;
    });
    for (const r of mock.requests) say(`${r.method} ${r.path} (${r.body.length} bytes)`);
    const picked = pickRequests(mock.requests);
    for (const [kind, request] of Object.entries(picked)) {
      if (!all && kind !== "subagent") continue;
      const file = join(
        outDir,
        `${FILE_NAMES[kind as keyof typeof FILE_NAMES]}-${version}.request.json`,
      );
      writeFileSync(file, JSON.stringify(neutralize(request!, home), null, 2) + "\n");
      say(`wrote ${file}`);
    }
  } finally {
    await terminal.close();
    await mock.close();
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) {
  const version = Deno.args.find((arg) => !arg.startsWith("--")) ?? NEWEST_CLAUDE_CODE;
  const outDir = fromFileUrl(new URL("../fixtures/claude-code/", import.meta.url));
  if (Deno.args.includes("--auto-mode")) await recordAutoMode(version, outDir);
  else await record(version, outDir, Deno.args.includes("--all"));
}
