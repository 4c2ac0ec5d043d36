// The commented starter config that `claude-proxy init` writes. Pure.
import { findPreset, presetName, PROVIDER_PRESETS } from "../providers/presets.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "./schema.ts";

/** The answers a starter config is written from. */
export interface StarterAnswers {
  /** A preset name (aliases allowed). */
  provider: string;
  /** The variable that holds the key; omitted for keyless providers. */
  apiKeyEnv?: string;
  /** Needed for azure and custom; otherwise only written when it differs from the preset's. */
  baseUrl?: string;
  /** Upstream models for opus, sonnet and haiku requests. */
  opus: string;
  sonnet: string;
  haiku: string;
}

function str(value: string): string {
  return JSON.stringify(value);
}

/**
 * Renders a commented TOML config that routes Claude Code's three model families to the answers.
 *
 * @example
 * starterConfig({ provider: "deepseek", apiKeyEnv: "DEEPSEEK_API_KEY",
 *   opus: "deepseek-reasoner", sonnet: "deepseek-chat", haiku: "deepseek-chat" });
 */
export function starterConfig(answers: StarterAnswers): string {
  const name = presetName(answers.provider) ?? answers.provider;
  const preset = findPreset(name);
  const baseUrl = answers.baseUrl ?? preset?.baseUrl ?? "";
  const writeBaseUrl = answers.baseUrl !== undefined && answers.baseUrl !== preset?.baseUrl;
  const presets = Object.keys(PROVIDER_PRESETS).join(", ");
  const lines = [
    `# claude-proxy configuration, written by "claude-proxy init".`,
    `# Check it with "claude-proxy check"; start Claude Code through it with "claude-proxy run".`,
    `# Precedence: command line > environment > this file > preset > default.`,
    ``,
    `# port = ${DEFAULT_PORT}                      # env PORT, --port`,
    `# host = ${str(DEFAULT_HOST)}               # env HOST, --host; keep it on loopback`,
    ``,
    ...wrap(`Presets: ${presets}`, "# "),
    `[provider]`,
    `name = ${str(name)}${pad(name)}# a preset (see above)`,
    ...(preset?.format === "gemini"
      ? [
        `format = "gemini"               # Gemini's own API; "gemini-openai" is its OpenAI endpoint`,
      ]
      : []),
    `${writeBaseUrl ? "" : "# "}base_url = ${str(baseUrl || "https://HOST/v1")}`,
    answers.apiKeyEnv
      ? `api_key_env = ${
        str(answers.apiKeyEnv)
      }  # the variable that holds the key; never write the key here`
      : `# api_key_env = "MY_API_KEY"   # the variable that holds the key, if the server needs one`,
    `# headers = { "X-Title" = "claude-proxy" }   # extra headers sent upstream`,
    `# timeout_ms = 300000                          # wait this long for the first byte`,
    ``,
    `# More providers: add tables, then route a model to one with "model@name" in [models].`,
    `# [providers.openrouter]`,
    `# api_key_env = "OPENROUTER_API_KEY"`,
    ``,
    `[models]  # Claude model (exact name or glob) → upstream model; exact names first, then globs in order`,
    `"*opus*" = ${str(answers.opus)}      # like BIG_MODEL`,
    `"*sonnet*" = ${str(answers.sonnet)}    # like MIDDLE_MODEL`,
    `"*haiku*" = ${str(answers.haiku)}     # like SMALL_MODEL`,
    `"claude-*" = ${str(answers.opus)}    # any other Claude model`,
    `# "claude-sonnet-4-5" = "gpt-5.1@openrouter"   # an exact name, on another provider`,
    `# "*" = ${str(answers.sonnet)}   # everything else (without it, other names pass through)`,
    ``,
    `# Per upstream model (names may be globs):`,
    `# [model_options.${str(answers.sonnet)}]`,
    `# max_tokens = 8192          # cap what Claude Code asks for (32k-64k)`,
    `# reasoning_effort = "high"  # force an effort: minimal, low, medium, high, xhigh`,
    `# images = false             # the model cannot see images: refuse them with a clear error`,
    ``,
    `# Answer Claude Code's web searches through a search API: "brave", "tavily" or "searxng".`,
    `# [web_search]`,
    `# backend = "brave"   # key from BRAVE_API_KEY (tavily: TAVILY_API_KEY; searxng: set base_url)`,
    ``,
  ];
  return lines.join("\n");
}

function wrap(text: string, prefix: string, width = 98): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const word of text.split(" ")) {
    if (line.length + word.length + 1 > width && line !== prefix) {
      lines.push(line.trimEnd());
      line = `${prefix}  `;
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines;
}

function pad(value: string): string {
  return " ".repeat(Math.max(1, 20 - value.length));
}
