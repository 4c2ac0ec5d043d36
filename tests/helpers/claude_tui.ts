// Drives Claude Code's terminal UI the way a new user does: every question answered with Enter (Yes to the folder trust).
import type { Terminal } from "./tmux.ts";

/** What the screen asks for, and the key that answers it the way a new user would. */
export function answer(screen: string): string[] | "ready" | undefined {
  // The prompt box with its footer: Claude Code is ready for input.
  if (/^❯\s*$/m.test(screen) && /for shortcuts|for agents/.test(screen)) return "ready";
  // 2.1.337 focuses "No, exit" on the folder trust question; 2.1.197 "Yes". Trusting the folder
  // is the user's decision, which claude-proxy leaves to Claude Code: this user says Yes.
  if (/Yes, I trust this folder/.test(screen)) {
    return /❯ (\d\. )?Yes, I trust this folder/.test(screen) ? ["Enter"] : ["Down"];
  }
  // Permission to run the action the user asked for (2.1.197 asks before Bash). 2.1.337 in auto
  // mode asks, with No focused, when it expects Anthropic's server-side check and gets none
  // ("Auto mode can't check actions in this session"); `claude-proxy run` turns that check off so
  // its own classifier decides instead. The user says Yes.
  if (/Do you want to proceed\?/.test(screen)) {
    return /❯ (\d\. )?Yes/.test(screen) ? ["Enter"] : ["Down"];
  }
  if (/\bEnter to [a-z]+|Press Enter to continue/.test(screen)) return ["Enter"];
  return undefined;
}

/** How many polls in a row the screen must stay the same before a question is answered. */
const STEADY_POLLS = 3;

/**
 * Answers every question with Enter (Yes to the folder trust) until `done` holds for the screen.
 * A question is answered once its screen stays the same for a few polls (a dialog ignores keys in
 * its first moments, and a key still on its way must land first); a key the screen did not take
 * is sent again after a while.
 */
export async function answerUntil(
  terminal: Terminal,
  done: (screen: string) => boolean,
): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    let last = "";
    let steady = 0;
    const next = await terminal.waitFor((screen) => {
      if (done(screen)) return "done";
      if (terminal.exitCode(screen) !== undefined) {
        throw new Error(`The session ended before it was done:\n${screen}`);
      }
      steady = screen === last ? steady + 1 : 0;
      last = screen;
      const keys = answer(screen);
      return Array.isArray(keys) && steady >= STEADY_POLLS ? keys : undefined;
    });
    if (next === "done") return;
    await terminal.send(next);
    // Give the screen time to move on; if it does not, the loop looks at it again.
    await terminal.waitFor((screen) => screen !== last ? true : undefined, 5_000)
      .catch(() => undefined);
  }
  throw new Error("Claude Code kept asking questions");
}

/**
 * Types `prompt` and presses Enter until the model is asked (`asked`): an Enter that arrives
 * with the typed text is taken as part of a paste, so it is pressed again if nothing happens.
 */
export async function submit(
  terminal: Terminal,
  prompt: string,
  asked: () => boolean,
): Promise<void> {
  await terminal.send([prompt], { literal: true });
  await terminal.waitFor((screen) => screen.includes(`❯ ${prompt}`) ? true : undefined);
  for (let attempt = 0; attempt < 5 && !asked(); attempt++) {
    await terminal.send(["Enter"]);
    await terminal.waitFor(() => asked() ? true : undefined, 3_000).catch(() => undefined);
  }
}
