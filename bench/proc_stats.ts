// CPU time and memory of a process, read from Linux's /proc.

/** Clock ticks per second for /proc/<pid>/stat (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * CPU time (user + system, all threads) used so far by `pid`, in ms. The kernel keeps it exact and
 * reports it in 10 ms ticks, so measure over a few hundred ms at least.
 */
export function cpuMs(pid: number): number {
  const stat = readProc(pid, "stat");
  // Fields after the command name (which may hold spaces) start at "state" (field 3).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) * 1000 / CLOCK_TICKS;
}

/** Resident memory of `pid` now and at its peak (VmRSS and VmHWM), in bytes. */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readProc(pid, "status");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS") * 1024, peak: kb("VmHWM") * 1024 };
}

/** Samples VmRSS every `intervalMs` until stopped; returns the largest value seen. */
export function sampleRss(pid: number, intervalMs = 50): { stop(): number } {
  let max = memory(pid).rss;
  const timer = setInterval(() => {
    try {
      max = Math.max(max, memory(pid).rss);
    } catch {
      // The process ended.
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      try {
        max = Math.max(max, memory(pid).rss);
      } catch {
        // The process ended.
      }
      return max;
    },
  };
}

/** Reads /proc/<pid>/<name>; a process that is gone is a clear error, not a missing file. */
function readProc(pid: number, name: string): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/${name}`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`Process ${pid} has exited (no /proc/${pid}/${name})`);
    }
    throw error;
  }
}
