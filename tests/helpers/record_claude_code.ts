// Records real Claude Code requests for tests/fixtures/claude-code/: its terminal UI in tmux against a local capture server.
//   deno run -A --config tests/deno.test.json tests/helpers/record_claude_code.ts 2.1.337 [--all]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import { claudeCodeBinary, NEWEST_CLAUDE_CODE } from "./claude_cli.ts";
import { answer, answerUntil, submit } from "./claude_tui.ts";
import { fakeAnthropicModel } from "./fake_anthropic_model.ts";
import { type RecordedRequest, startMockUpstream } from "./mock_upstream.ts";
import { fromFileUrl } from "./paths.ts";
import { startTerminal } from "./tmux.ts";

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
  text = text.replaceAll(root, NEUTRAL.home)
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
  await record(version, outDir, Deno.args.includes("--all"));
}
