// Filters the client's `anthropic-beta` header for a provider that rejects some betas. Pure.
import { globMatch } from "../routing/route.ts";

/** The `anthropic-beta` value without the betas matching `rejected` (globs); undefined if none remain. */
export function filterBetas(header: string, rejected: readonly string[]): string | undefined {
  const kept = header.split(",").map((beta) => beta.trim()).filter((beta) =>
    beta !== "" && !rejected.some((pattern) => globMatch(pattern, beta))
  );
  return kept.length > 0 ? kept.join(",") : undefined;
}
