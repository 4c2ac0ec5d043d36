import assert from "node:assert/strict";
import {
  configLayerPaths,
  configSearchPaths,
  managedConfigPaths,
  openCodeAuthPath,
  userConfigDir,
} from "../../src/config/paths.ts";

const HOME = "/home/ada";
const CWD = "/work/app";

Deno.test("configSearchPaths looks in the working directory, then XDG_CONFIG_HOME, then ~/.claude-proxy.toml on Linux", () => {
  const paths = configSearchPaths({
    env: { XDG_CONFIG_HOME: "/xdg" },
    platform: "linux",
    cwd: CWD,
    home: HOME,
  });
  assert.deepEqual(paths, [
    "/work/app/claude-proxy.toml",
    "/work/app/.claude-proxy/config.toml",
    "/xdg/claude-proxy/config.toml",
    "/home/ada/.claude-proxy.toml",
  ]);
});

Deno.test("configSearchPaths uses ~/.config on Linux when XDG_CONFIG_HOME is unset, empty or relative", () => {
  for (const env of [{}, { XDG_CONFIG_HOME: "" }, { XDG_CONFIG_HOME: "relative/dir" }]) {
    const paths = configSearchPaths({ env, platform: "linux", cwd: CWD, home: HOME });
    assert.equal(paths[2], "/home/ada/.config/claude-proxy/config.toml", JSON.stringify(env));
  }
});

Deno.test("configSearchPaths uses Application Support on macOS, then the XDG path", () => {
  const paths = configSearchPaths({ env: {}, platform: "darwin", cwd: CWD, home: "/Users/ada" });
  assert.deepEqual(paths, [
    "/work/app/claude-proxy.toml",
    "/work/app/.claude-proxy/config.toml",
    "/Users/ada/Library/Application Support/claude-proxy/config.toml",
    "/Users/ada/.config/claude-proxy/config.toml",
    "/Users/ada/.claude-proxy.toml",
  ]);
});

Deno.test("configSearchPaths uses %APPDATA% on Windows with backslashes", () => {
  const paths = configSearchPaths({
    env: { APPDATA: "C:\\Users\\ada\\AppData\\Roaming" },
    platform: "windows",
    cwd: "C:\\work\\app",
    home: "C:\\Users\\ada",
  });
  assert.deepEqual(paths, [
    "C:\\work\\app\\claude-proxy.toml",
    "C:\\work\\app\\.claude-proxy\\config.toml",
    "C:\\Users\\ada\\AppData\\Roaming\\claude-proxy\\config.toml",
    "C:\\Users\\ada\\.claude-proxy.toml",
  ]);
});

Deno.test("userConfigDir falls back to AppData\\Roaming under the home directory on Windows", () => {
  assert.equal(
    userConfigDir({ env: {}, platform: "windows", home: "C:\\Users\\ada" }),
    "C:\\Users\\ada\\AppData\\Roaming\\claude-proxy",
  );
});

Deno.test("configLayerPaths separates the managed, project and user files", () => {
  const layers = configLayerPaths({ env: {}, platform: "linux", cwd: CWD, home: HOME });
  assert.deepEqual(layers, {
    managed: ["/etc/claude-proxy/config.toml"],
    project: ["/work/app/claude-proxy.toml", "/work/app/.claude-proxy/config.toml"],
    user: ["/home/ada/.config/claude-proxy/config.toml", "/home/ada/.claude-proxy.toml"],
  });
});

Deno.test("managedConfigPaths names the administrator's file on each platform", () => {
  assert.deepEqual(managedConfigPaths({ env: {}, platform: "linux" }), [
    "/etc/claude-proxy/config.toml",
  ]);
  assert.deepEqual(managedConfigPaths({ env: {}, platform: "darwin" }), [
    "/Library/Application Support/claude-proxy/config.toml",
    "/etc/claude-proxy/config.toml",
  ]);
  assert.deepEqual(managedConfigPaths({ env: { ProgramData: "D:\\PD" }, platform: "windows" }), [
    "D:\\PD\\claude-proxy\\config.toml",
  ]);
  assert.deepEqual(managedConfigPaths({ env: {}, platform: "windows" }), [
    "C:\\ProgramData\\claude-proxy\\config.toml",
  ]);
});

Deno.test("openCodeAuthPath uses XDG_DATA_HOME or ~/.local/share on every OS", () => {
  assert.equal(
    openCodeAuthPath({ env: { XDG_DATA_HOME: "/data" }, platform: "linux", home: HOME }),
    "/data/opencode/auth.json",
  );
  assert.equal(
    openCodeAuthPath({ env: {}, platform: "darwin", home: "/Users/ada" }),
    "/Users/ada/.local/share/opencode/auth.json",
  );
  assert.equal(
    openCodeAuthPath({ env: {}, platform: "windows", home: "C:\\Users\\ada" }),
    "C:\\Users\\ada\\.local\\share\\opencode\\auth.json",
  );
});
