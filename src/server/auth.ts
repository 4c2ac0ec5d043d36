// Checks the client's proxy token (x-api-key or Authorization: Bearer) in constant time.
import { AuthenticationError } from "../errors.ts";
import { clientKey } from "../upstream/target.ts";

/** Compares two strings in time that depends only on their lengths. */
function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let diff = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  }
  return diff === 0;
}

/** Throws a 401 unless the request carries `token`. */
export function checkAuthToken(headers: Headers, token: string): void {
  const sent = clientKey(headers);
  if (sent === undefined || !constantTimeEqual(sent, token)) {
    throw new AuthenticationError(
      sent === undefined
        ? "Missing proxy token: send it as x-api-key or Authorization: Bearer"
        : "Invalid proxy token",
    );
  }
}
