// Tests for the default request-log location on each platform.
import assert from "node:assert/strict";
import { defaultLogPath } from "../../src/config/default_log_path.ts";

Deno.test("defaultLogPath uses XDG_STATE_HOME on Linux", () => {
  assert.equal(
    defaultLogPath({ env: { XDG_STATE_HOME: "/state" }, platform: "linux", home: "/home/ada" }),
    "/state/claude-proxy/requests.jsonl",
  );
});

Deno.test("defaultLogPath falls back to ~/.local/state when XDG_STATE_HOME is unset or relative", () => {
  const expected = "/home/ada/.local/state/claude-proxy/requests.jsonl";
  assert.equal(defaultLogPath({ env: {}, platform: "linux", home: "/home/ada" }), expected);
  assert.equal(
    defaultLogPath({ env: { XDG_STATE_HOME: "state" }, platform: "freebsd", home: "/home/ada" }),
    expected,
  );
});

Deno.test("defaultLogPath uses ~/Library/Logs on macOS", () => {
  assert.equal(
    defaultLogPath({ env: { XDG_STATE_HOME: "/state" }, platform: "darwin", home: "/Users/ada" }),
    "/Users/ada/Library/Logs/claude-proxy/requests.jsonl",
  );
});

Deno.test("defaultLogPath uses LOCALAPPDATA on Windows", () => {
  assert.equal(
    defaultLogPath({
      env: { LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local" },
      platform: "windows",
      home: "C:\\Users\\ada",
    }),
    "C:\\Users\\ada\\AppData\\Local\\claude-proxy\\requests.jsonl",
  );
  assert.equal(
    defaultLogPath({ env: {}, platform: "windows", home: "C:\\Users\\ada" }),
    "C:\\Users\\ada\\AppData\\Local\\claude-proxy\\requests.jsonl",
  );
});
