// Checks a provider's base URL and says how to fix one without http:// or https://. Pure.

/** Whether `text` is an http:// or https:// URL with a host. */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host !== "";
  } catch {
    return false;
  }
}

/** The URL with the scheme it most likely lacks: http:// for this machine, else https://. */
function withScheme(text: string): string {
  const bare = text.trim().replace(/^\/+/, "");
  const host = bare.split(/[/:]/, 1)[0]!.toLowerCase();
  const local = host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) ||
    host === "0.0.0.0" || host === "[::1]" || /^(10|192\.168)\./.test(host);
  return `${local ? "http" : "https"}://${bare}`;
}

/**
 * What is wrong with a base URL, with the fix, or undefined when it is fine.
 *
 * @example
 * baseUrlProblem("localhost:8080/v1"); // 'has no http:// or https://: write "http://localhost:8080/v1"'
 */
export function baseUrlProblem(text: string): string | undefined {
  if (isHttpUrl(text)) return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1];
  if (scheme !== undefined) {
    return `must start with http:// or https://, not ${scheme}://`;
  }
  const fixed = withScheme(text);
  return isHttpUrl(fixed)
    ? `has no http:// or https://: write "${fixed}"`
    : 'is not a URL: write it like "https://api.example.com/v1"';
}
