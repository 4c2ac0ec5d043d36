// Runs a call that must refuse its input with an InvalidRequestError (400) and returns the message.
import assert from "node:assert/strict";
import { InvalidRequestError } from "../../src/errors.ts";

/** Returns the message of the {@linkcode InvalidRequestError} that `fn` throws; fails otherwise. */
export function invalidRequestMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InvalidRequestError, `expected InvalidRequestError, got ${err}`);
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail("expected an InvalidRequestError");
}
