// Case-insensitive globs (`*` any run, `?` one character) for model names. Pure.

// Compiled globs, by pattern: the config's few patterns are matched on every request.
const globs = new Map<string, RegExp>();
/** Enough for any config; patterns past it are compiled on each call. */
const MAX_GLOBS = 256;

/** Whether `name` matches the glob `pattern` (`*` any run, `?` one character), case-insensitively. */
export function globMatch(pattern: string, name: string): boolean {
  let regex = globs.get(pattern);
  if (!regex) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    regex = new RegExp(`^${source}$`, "i");
    if (globs.size < MAX_GLOBS) globs.set(pattern, regex);
  }
  return regex.test(name);
}

/** Whether `pattern` is a glob rather than an exact name. */
export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}
