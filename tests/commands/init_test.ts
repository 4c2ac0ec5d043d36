import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCli } from "../../src/cli.ts";
import { type AskFunction, collectAnswers, runInit } from "../../src/commands/init.ts";
import { ConfigError, UsageError } from "../../src/errors.ts";
import { makeSandbox, REPO } from "../cli/sandbox.ts";

async function tempDirs() {
  const root = await Deno.makeTempDir({ prefix: "claude-proxy-init-" });
  return {
    root,
    context: { env: {}, platform: "linux", cwd: join(root, "project"), home: join(root, "home") },
    userFile: join(root, "home/.config/claude-proxy/config.toml"),
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

/** An ask function that answers from a script and records the questions. */
function scripted(answers: string[]) {
  const questions: string[] = [];
  const ask: AskFunction = (question, fallback) => {
    questions.push(question);
    const answer = answers.shift() ?? "";
    return Promise.resolve(answer.trim() || fallback);
  };
  return { ask, questions };
}

Deno.test("runInit writes the starter config to the user config dir from flags", async () => {
  await using dirs = await tempDirs();
  const output: string[] = [];
  const code = await runInit(
    parseCli(["init", "--provider", "groq", "--opus", "big", "-y"]),
    { ...dirs.context, write: (t) => output.push(t) },
  );
  assert.equal(code, 0);
  const text = readFileSync(dirs.userFile, "utf8");
  assert.match(text, /^name = "groq"/m);
  assert.match(text, /^api_key_env = "GROQ_API_KEY"/m);
  assert.match(text, /^"\*opus\*" = "big"/m);
  assert.match(text, /^"\*haiku\*" = "openai\/gpt-oss-20b"/m, "unanswered models use the preset's");
  assert.equal(output[0]?.split("\n")[0], `Created ${dirs.userFile}`);
  assert.match(output[0]!, /export GROQ_API_KEY=\.\.\./);
});

Deno.test("runInit writes ./claude-proxy.toml for --scope project and -c PATH where named", async () => {
  await using dirs = await tempDirs();
  const write = () => {};
  await runInit(parseCli(["init", "--scope", "project"]), { ...dirs.context, write });
  assert.match(readFileSync(join(dirs.context.cwd, "claude-proxy.toml"), "utf8"), /\[provider\]/);
  await runInit(parseCli(["init", "-c", "conf/proxy.toml"]), { ...dirs.context, write });
  assert.match(readFileSync(join(dirs.context.cwd, "conf/proxy.toml"), "utf8"), /\[models\]/);
});

Deno.test("runInit refuses to overwrite an existing file without --force", async () => {
  await using dirs = await tempDirs();
  const write = () => {};
  await runInit(parseCli(["init"]), { ...dirs.context, write });
  writeFileSync(dirs.userFile, "# mine\n");
  await assert.rejects(
    () => runInit(parseCli(["init"]), { ...dirs.context, write }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message ===
        `Not writing "${dirs.userFile}": it already exists (pass --force to overwrite it, or -c PATH to write elsewhere)`,
  );
  assert.equal(readFileSync(dirs.userFile, "utf8"), "# mine\n");
  await runInit(parseCli(["init", "--force"]), { ...dirs.context, write });
  assert.match(readFileSync(dirs.userFile, "utf8"), /\[provider\]/);
});

Deno.test("collectAnswers asks for the provider, key variable and models on a terminal", async () => {
  const { ask, questions } = scripted([
    "google",
    "",
    "gemini-3.1-pro-preview",
    "",
    "gemini-3.1-flash-lite",
  ]);
  const answers = await collectAnswers(parseCli(["init"]), { env: {}, ask });
  assert.deepEqual(answers, {
    provider: "gemini",
    apiKeyEnv: "GEMINI_API_KEY",
    opus: "gemini-3.1-pro-preview",
    sonnet: "gemini-3.8-flash",
    haiku: "gemini-3.1-flash-lite",
  });
  assert.equal(questions.length, 5);
  assert.match(questions[0]!, /^Provider \(openai, openrouter, deepseek, /);
});

Deno.test("collectAnswers asks again after an unknown provider and suggests the closest", async () => {
  const { ask, questions } = scripted(["deepsek", "deepseek"]);
  const answers = await collectAnswers(parseCli(["init"]), { env: {}, ask });
  assert.equal(answers.provider, "deepseek");
  assert.equal(questions.length, 2 + 4, "two provider questions, then key and models");
  assert.match(
    questions[1]!,
    /^Unknown provider "deepsek" \(did you mean "deepseek"\?\); presets: /,
  );
  const flags = collectAnswers(parseCli(["init", "--provider", "deepsek"]), { env: {} });
  await assert.rejects(
    flags,
    (err: unknown) =>
      err instanceof UsageError &&
      err.message.startsWith(`Unknown provider "deepsek" (did you mean "deepseek"?)`),
  );
});

Deno.test("collectAnswers guesses the provider from a key in the environment, never using the key", async () => {
  const answers = await collectAnswers(parseCli(["init"]), {
    env: { OPENROUTER_API_KEY: "sk-or-secret" },
  });
  assert.equal(answers.provider, "openrouter");
  assert.equal(answers.apiKeyEnv, "OPENROUTER_API_KEY");
  assert.doesNotMatch(JSON.stringify(answers), /sk-or-secret/);
});

Deno.test("collectAnswers needs --base-url for azure and --opus for presets without default models", async () => {
  await assert.rejects(
    collectAnswers(parseCli(["init", "--provider", "azure"]), { env: {} }),
    (err: unknown) => err instanceof UsageError && /needs --base-url URL/.test(err.message),
  );
  await assert.rejects(
    collectAnswers(parseCli(["init", "--provider", "ollama"]), { env: {} }),
    (err: unknown) =>
      err instanceof UsageError &&
      err.message ===
        `Provider "ollama" has no default models: name them with --opus MODEL (and --sonnet, --haiku)`,
  );
  const ollama = await collectAnswers(
    parseCli(["init", "--provider", "ollama", "--opus", "qwen3"]),
    {
      env: {},
    },
  );
  assert.deepEqual([ollama.opus, ollama.sonnet, ollama.haiku, ollama.apiKeyEnv], [
    "qwen3",
    "qwen3",
    "qwen3",
    undefined,
  ]);
});

Deno.test("collectAnswers refuses a key pasted where the variable name goes", async () => {
  await assert.rejects(
    collectAnswers(parseCli(["init", "--api-key-env", "sk-abc-123"]), { env: {} }),
    (err: unknown) => err instanceof UsageError && /must be a variable name/.test(err.message),
  );
});

Deno.test("claude-proxy init -y writes a config that check then accepts once the key is set", async () => {
  await using box = await makeSandbox();
  const init = await box.run(["init", "--provider", "deepseek", "--scope", "project", "-y"]);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, new RegExp(`^Created ${box.project}/claude-proxy\\.toml\\n`));
  const missing = await box.run(["check"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /key: missing: set DEEPSEEK_API_KEY/);
  const present = await box.run(["check"], { env: { DEEPSEEK_API_KEY: "sk-check-secret" } });
  assert.equal(present.code, 0, present.stderr);
  const again = await box.run(["init", "--scope", "project", "-y"]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^error: Not writing ".*claude-proxy\.toml": it already exists/);
});

Deno.test({
  name: "claude-proxy init asks its questions on a terminal and writes the answers",
  ignore: !existsSync("/usr/bin/script") || Deno.build.os !== "linux",
  fn: async () => {
    await using box = await makeSandbox();
    const target = join(box.root, "asked.toml");
    const command = [Deno.execPath(), "run", "-A", "--quiet", "--config", join(REPO, "deno.json")]
      .concat([join(REPO, "main.ts"), "init", "-c", target])
      .map((part) => `'${part}'`).join(" ");
    // `script` gives the command a pseudo-terminal, so init sees a TTY on stdin.
    const child = new Deno.Command("/usr/bin/script", {
      args: ["-qec", command, "/dev/null"],
      cwd: box.project,
      env: box.env,
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("groq\n\nbig-one\n\n\n"));
    let output = "";
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    while (!output.includes("Then start:")) {
      const { value, done } = await reader.read();
      if (done) break;
      output += value;
    }
    await writer.close();
    await reader.cancel();
    await child.stderr.cancel();
    await child.status;
    assert.match(output, /Provider \(openai, .*\) \[openai\]: /);
    assert.match(output, /Variable that holds the API key .*\[GROQ_API_KEY\]: /);
    const text = readFileSync(target, "utf8");
    assert.match(text, /^name = "groq"/m);
    assert.match(text, /^"\*opus\*" = "big-one"/m);
    assert.match(text, /^"\*haiku\*" = "openai\/gpt-oss-20b"/m);
  },
});

Deno.test("collectAnswers refuses a --base-url without http:// or https://, saying how to write it", async () => {
  await assert.rejects(
    collectAnswers(
      parseCli(["init", "--provider", "custom", "--base-url", "localhost:8000/v1", "--opus", "m"]),
      { env: {} },
    ),
    (err: unknown) =>
      err instanceof UsageError &&
      err.message ===
        `--base-url "localhost:8000/v1" has no http:// or https://: write "http://localhost:8000/v1"`,
  );
});

Deno.test("collectAnswers asks again for a base URL without http:// or https://", async () => {
  const { ask, questions } = scripted([
    "custom",
    "",
    "localhost:8000/v1",
    "http://localhost:8000/v1",
    "m",
  ]);
  const answers = await collectAnswers(parseCli(["init"]), { env: {}, ask });
  assert.equal(answers.baseUrl, "http://localhost:8000/v1");
  assert.equal(
    questions[3],
    `Base URL "localhost:8000/v1" has no http:// or https://: write "http://localhost:8000/v1"\nBase URL`,
  );
});
