/** simulate's replay progress in a log: a line per strategy, and the percentage every 10 s of a long replay. */
import { replayProgress } from "../../tools/capacity/replay-progress";

function run(tty: boolean, steps: [number, "static" | "platform", number][]): string {
  let out = "";
  let clock = 0;
  const p = replayProgress(
    (t) => (out += t),
    tty,
    () => clock,
    10_000,
  );
  for (const [f, strategy, at] of steps) {
    clock = at;
    p.onProgress(f, strategy);
  }
  p.done("replayed in 1.00 s");
  return out;
}

test("a short replay in a log is a line per strategy", () => {
  expect(
    run(false, [
      [0.1, "static", 100],
      [0.2, "static", 200],
      [0.6, "platform", 300],
    ]),
  ).toBe("static ...\nplatform ...\nreplayed in 1.00 s\n");
});

test("a long replay in a log appends the percentage done every 10 s", () => {
  const out = run(false, [
    [0.01, "static", 0],
    [0.1, "static", 9_000],
    [0.2, "static", 10_000],
    [0.3, "static", 15_000],
    [0.45, "static", 21_000],
    [0.5, "platform", 22_000],
    [0.75, "platform", 33_000],
  ]);
  expect(out).toBe("static ... 20% 45%\nplatform ... 75%\nreplayed in 1.00 s\n");
});

test("on a terminal one line counts up in place", () => {
  expect(
    run(true, [
      [0.25, "static", 0],
      [0.5, "platform", 1],
    ]),
  ).toBe(`\rstatic    25%\rplatform  50%\r${"replayed in 1.00 s".padEnd(24)}\n`);
});
