// The version of claude-proxy: the single source for --version, /health and the User-Agent.

/** The claude-proxy release version. */
export const VERSION = "0.1.0";
