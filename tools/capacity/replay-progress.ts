/**
 * `simulate`'s progress on stderr while it replays. On a terminal one line counts up in place; in a
 * log (CI, a redirect) a line per strategy, with its percentage appended every `everyMs` so that a
 * long replay (a year of traffic takes minutes) is not one silent line per strategy.
 */
import type { StrategyName } from "../../components/capacity/simulate";

/** How often a log line gets the percentage done: often enough to see a year's replay move. */
export const LOG_PROGRESS_EVERY_MS = 10_000;

/** The `onProgress` callback of `simulate`, and `done` to end its line with the replay's time. */
export function replayProgress(
  write: (text: string) => void,
  tty: boolean,
  now: () => number = Date.now,
  everyMs = LOG_PROGRESS_EVERY_MS,
): { onProgress: (fraction: number, strategy: StrategyName) => void; done: (summary: string) => void } {
  let last = "";
  let lastWrite = now();
  return {
    onProgress: (f, strategy) => {
      const percent = `${(f * 100).toFixed(0)}%`;
      if (tty) {
        write(`\r${strategy.padEnd(8)} ${percent.padStart(4)}`);
      } else if (strategy !== last) {
        write(`${last === "" ? "" : "\n"}${strategy} ...`);
        lastWrite = now();
      } else if (now() - lastWrite >= everyMs) {
        write(` ${percent}`);
        lastWrite = now();
      }
      last = strategy;
    },
    done: (summary) => write(tty ? `\r${summary.padEnd(24)}\n` : `\n${summary}\n`),
  };
}
