// What Claude Code is told about the routes (model names, capabilities, context window, features to turn off), for `run` and `env`. Pure.
import type { Config, ProviderConfig } from "../config/schema.ts";
import { CLAUDE_CODE_MODELS } from "../providers/claude_models.ts";
import { resolveRoute, type Route } from "../routing/route.ts";
import { formatTokens, routeLabel } from "../routing/route_label.ts";

/** The model families Claude Code has a default-model variable for (ANTHROPIC_DEFAULT_<FAMILY>_MODEL). */
const CLAUDE_CODE_TIERS = ["opus", "sonnet", "haiku", "fable"] as const;

/** The families that run the main conversation, whose context window decides compaction. */
const MAIN_TIERS: ReadonlySet<string> = new Set(["opus", "sonnet", "fable"]);

/** Claude Code refuses an auto-compact window below this (CLAUDE_CODE_AUTO_COMPACT_WINDOW). */
const MIN_AUTO_COMPACT_WINDOW = 100_000;

/** The window assumed for a routed model the catalog does not know (Claude's classic 200k). */
const UNKNOWN_CONTEXT_WINDOW = 200_000;

/** What Claude Code reserves below the window: its compaction margin and the answer's room. */
const COMPACT_MARGIN = 33_000;

/** The environment variables and settings.json keys Claude Code gets. */
export interface ClaudeCodeSettings {
  env: Record<string, string>;
  /** settings.json keys (not variables): `run` passes them with `--settings`. */
  settings: Record<string, unknown>;
}

/**
 * Whether a route serves Claude Code's tool search (`defer_loading` tools, `tool_reference`
 * results): Anthropic's own API does; on translated routes, and on Anthropic-format providers whose
 * `unsupported` list names `tool_search`, the proxy resolves it from the conversation. Another
 * Anthropic-format provider may refuse it, so Claude Code is asked to send every tool up front. The
 * one place that decides ENABLE_TOOL_SEARCH.
 */
export function routeSupportsToolSearch(route: Pick<Route, "provider" | "format">): boolean {
  if (route.format !== "anthropic") return true;
  if (isAnthropicApi(route.provider)) return true;
  return (route.provider.unsupported ?? []).includes("tool_search");
}

/** Whether a route serves Anthropic's server-side advisor tool: Anthropic's own API only. */
function routeServesAdvisor(route: Pick<Route, "provider" | "format">): boolean {
  return route.format === "anthropic" && isAnthropicApi(route.provider);
}

/**
 * Whether a route serves auto mode's server-side safety check (the `safeguards` field, answered
 * with `safeguard_results` on the model's own answer): Anthropic's own API only. Elsewhere Claude
 * Code checks actions with its own classifier requests, which go through the proxy like any other.
 */
export function routeServesSafetyCheck(route: Pick<Route, "provider" | "format">): boolean {
  return route.format === "anthropic" && isAnthropicApi(route.provider);
}

/** Whether a route is a Claude model on an Anthropic-format provider, which Claude Code knows. */
function isNativeRoute(route: Pick<Route, "model" | "format">): boolean {
  return route.format === "anthropic" && /^claude-/i.test(route.model);
}

/** The capabilities Claude Code reads from ANTHROPIC_DEFAULT_<FAMILY>_MODEL_SUPPORTED_CAPABILITIES. */
function claudeCapabilities(route: Pick<Route, "facts" | "provider">): string[] | undefined {
  const { thinking, effort } = route.facts;
  if (thinking === undefined && effort === undefined) return undefined;
  const capabilities: string[] = [];
  if (thinking) capabilities.push("thinking", "adaptive_thinking", "interleaved_thinking");
  if (effort) {
    capabilities.push("effort");
    if (route.provider.maxEffort === "xhigh") capabilities.push("xhigh_effort");
  }
  return capabilities;
}

/**
 * The Claude id Claude Code should send for a family: the config's own exact name for it when
 * it has one, else the newest id the supported Claude Code versions know.
 */
export function tierModelId(config: Config, family: string): string {
  const exact = config.models.find((rule) =>
    rule.exact && rule.pattern.toLowerCase().includes(`-${family}`)
  );
  return exact?.pattern ??
    CLAUDE_CODE_MODELS.find((id) => id.includes(`-${family}-`)) ?? `claude-${family}`;
}

/**
 * The settings that make Claude Code treat each route as what it is: for every family routed to
 * a model Claude Code does not know, ANTHROPIC_DEFAULT_<FAMILY>_MODEL with its _NAME,
 * _DESCRIPTION and _SUPPORTED_CAPABILITIES; CLAUDE_CODE_SUBAGENT_MODEL from `[claude_code]`; the
 * auto-compact window of the smallest main model; gateway model discovery (the `/model` picker
 * lists the proxy's routes); and, where the routes need it, tool search and the advisor tool off,
 * auto mode's server-side check off (its own classifier checks actions instead) and
 * `skipWebFetchPreflight`.
 */
export function claudeCodeSettings(config: Config): ClaudeCodeSettings {
  const env: Record<string, string> = { CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: "1" };
  const routes: Route[] = [];
  let window: number | undefined;
  for (const family of CLAUDE_CODE_TIERS) {
    const id = tierModelId(config, family);
    const route = resolveRoute(config, id);
    routes.push(route);
    const context = route.facts.context_window ??
      (isNativeRoute(route) ? undefined : UNKNOWN_CONTEXT_WINDOW);
    if (MAIN_TIERS.has(family) && context !== undefined) {
      window = Math.min(window ?? context, context);
    }
    if (isNativeRoute(route)) continue;
    const name = `ANTHROPIC_DEFAULT_${family.toUpperCase()}_MODEL`;
    env[name] = id;
    env[`${name}_NAME`] = `${family[0]!.toUpperCase()}${family.slice(1)} → ${routeLabel(route)}`;
    env[`${name}_DESCRIPTION`] = describe(route, family);
    const capabilities = claudeCapabilities(route);
    if (capabilities) env[`${name}_SUPPORTED_CAPABILITIES`] = capabilities.join(",");
  }
  const subagent = config.claudeCode?.subagentModel;
  if (subagent) env.CLAUDE_CODE_SUBAGENT_MODEL = subagent;
  // Without a haiku model set, Claude Code makes its background calls with the main model's id,
  // where [router] background cannot tell them apart: name the small model they use.
  if (config.router?.background && !env.ANTHROPIC_DEFAULT_HAIKU_MODEL) {
    env.ANTHROPIC_SMALL_FAST_MODEL = tierModelId(config, "haiku");
  }
  Object.assign(env, compactWindow(window));
  if (!routes.every(routeSupportsToolSearch)) env.ENABLE_TOOL_SEARCH = "false";
  if (!routes.some(routeServesAdvisor)) env.CLAUDE_CODE_DISABLE_ADVISOR_TOOL = "1";
  // Without it Claude Code sends its safety context (paths, git remotes) that no route uses, and
  // holds the first action it checks behind a notice, or asks about every such action.
  if (!routes.some(routeServesSafetyCheck)) env.CLAUDE_CODE_AUTO_MODE_SERVER = "0";
  const settings: Record<string, unknown> = {};
  // WebFetch asks api.anthropic.com about each domain first; behind other providers it may be unreachable.
  if (!routes.every((route) => isAnthropicApi(route.provider))) {
    settings.skipWebFetchPreflight = true;
  }
  return { env, settings };
}

function describe(route: Route, family: string): string {
  const parts = [`${family} requests go to ${routeLabel(route)} through claude-proxy`];
  if (route.facts.context_window) {
    parts.push(`${formatTokens(route.facts.context_window)} context`);
  }
  if (route.facts.images === false) parts.push("no images");
  return parts.join(" · ");
}

/**
 * CLAUDE_CODE_AUTO_COMPACT_WINDOW for a context window (Claude Code takes 100k at least; below
 * that, CLAUDE_AUTOCOMPACT_PCT_OVERRIDE lowers the threshold within it).
 */
export function compactWindow(window: number | undefined): Record<string, string> {
  if (window === undefined) return {};
  if (window >= MIN_AUTO_COMPACT_WINDOW) return { CLAUDE_CODE_AUTO_COMPACT_WINDOW: String(window) };
  const usable = MIN_AUTO_COMPACT_WINDOW - 20_000;
  const percent = Math.max(1, Math.floor((100 * (window - COMPACT_MARGIN)) / usable));
  return {
    CLAUDE_CODE_AUTO_COMPACT_WINDOW: String(MIN_AUTO_COMPACT_WINDOW),
    CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: String(percent),
  };
}

function isAnthropicApi(provider: ProviderConfig): boolean {
  try {
    return new URL(provider.baseUrl).hostname === "api.anthropic.com";
  } catch {
    return false;
  }
}
