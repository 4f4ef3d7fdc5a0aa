/** The tools' flags and output files: parsing, URL and number values, and outputs written whole or refused before any work. */
import * as fs from "fs";
import * as path from "path";
import { httpUrlFlag, parseFlags, positiveIntFlag, prometheusUrlFlag } from "../../tools/capacity/cli-flags";
import { checkOutputFile, writeOutputFile } from "../../tools/capacity/output-file";
import { tempDirs } from "../helpers/temp-dir";
import { errorOf } from "../helpers/input-errors";

const tempDir = tempDirs("inputs-");

describe("parseFlags", () => {
  test("--flag value and --flag=value are the same; booleans take no value", () => {
    const flags = parseFlags(
      ["--stack=prod", "--traffic", "a.csv", "--dry-run"],
      ["stack", "traffic"],
      ["dry-run"],
    );
    expect([...flags]).toEqual([
      ["stack", "prod"],
      ["traffic", "a.csv"],
      ["dry-run", "true"],
    ]);
  });

  test("unknown flags and missing values name the flag", () => {
    expect(errorOf(() => parseFlags(["--stak", "prod"], ["stack"]))).toBe(
      "unknown argument --stak; allowed: --stack",
    );
    // A mistyped URL flag or a stray URL never prints its password.
    expect(errorOf(() => parseFlags(["--prometeus=http://admin:S3cret@prom:9090"], ["prometheus"]))).toBe(
      "unknown argument --prometeus=http://prom:9090/; allowed: --prometheus",
    );
    expect(errorOf(() => parseFlags(["http://admin:S3cret@prom:9090"], ["prometheus"]))).toBe(
      "unknown argument http://prom:9090/; allowed: --prometheus",
    );
    expect(errorOf(() => parseFlags(["admin:S3cret@prom"], ["prometheus"]))).not.toContain("S3cret");
    expect(errorOf(() => parseFlags(["--stack"], ["stack"]))).toBe("--stack needs a value");
    expect(errorOf(() => parseFlags(["--stack="], ["stack"]))).toBe("--stack needs a value");
    expect(errorOf(() => parseFlags(["--stack", "--json"], ["stack", "json"]))).toBe("--stack needs a value");
  });
});

describe("flag values", () => {
  test("--prometheus falls back to its variable, and a bad variable is named, not the flag", () => {
    const env = "MLOPS_TEST_PROMETHEUS_URL";
    const none = new Map<string, string>();
    try {
      delete process.env[env];
      expect(prometheusUrlFlag(none, env)).toBe("http://localhost:9090");
      process.env[env] = "http://prom:9090";
      expect(prometheusUrlFlag(none, env)).toBe("http://prom:9090");
      expect(prometheusUrlFlag(new Map([["prometheus", "http://other:9090"]]), env)).toBe(
        "http://other:9090",
      );
      process.env[env] = "";
      expect(errorOf(() => prometheusUrlFlag(none, env))).toContain(`$${env} is set but empty`);
      process.env[env] = "prom:9090";
      expect(errorOf(() => prometheusUrlFlag(none, env))).toBe(
        `$${env} (the default of --prometheus) prom:9090: not an http(s) URL (e.g. http://localhost:9090)`,
      );
    } finally {
      delete process.env[env];
    }
  });

  test("URLs must be http(s)", () => {
    expect(httpUrlFlag("http://localhost:9090", "prometheus")).toBe("http://localhost:9090");
    expect(errorOf(() => httpUrlFlag("not a url", "prometheus"))).toBe(
      "--prometheus not a url: not an http(s) URL (e.g. http://localhost:9090)",
    );
    expect(errorOf(() => httpUrlFlag("ftp://x", "prometheus"))).toContain("not an http(s) URL");
    // A bare % in the password: named, without the password, instead of "URI malformed" later.
    expect(errorOf(() => httpUrlFlag("http://admin:50%off@prom:9090", "prometheus"))).toBe(
      "--prometheus http://prom:9090/: the password holds a % that is not a %XX escape; write % as %25",
    );
    expect(httpUrlFlag("http://admin:50%25off@prom:9090", "prometheus")).toBe(
      "http://admin:50%25off@prom:9090",
    );
  });

  test("whole numbers within bounds", () => {
    expect(positiveIntFlag("7", "days", 366)).toBe(7);
    for (const bad of ["0", "-1", "abc", "1e9", "1.5", "367", ""])
      expect(errorOf(() => positiveIntFlag(bad, "days", 366))).toBe(
        `--days ${bad}: expected a whole number from 1 to 366`,
      );
  });
});

describe("output files", () => {
  test("written whole into new folders, replacing an older file", () => {
    const dir = tempDir();
    const file = path.join(dir, "a", "b", "out.json");
    writeOutputFile(file, "one\n", "json");
    writeOutputFile(file, "two\n", "json");
    expect(fs.readFileSync(file, "utf8")).toBe("two\n");
    expect(fs.readdirSync(path.dirname(file))).toEqual(["out.json"]);
  });

  test("a folder, or a path through a file, is refused before anything is written", () => {
    const dir = tempDir();
    expect(errorOf(() => checkOutputFile(dir, "json"))).toBe(`--json ${dir}: is a folder, not a file`);
    const file = path.join(dir, "afile");
    fs.writeFileSync(file, "keep\n");
    expect(errorOf(() => writeOutputFile(path.join(file, "x.json"), "{}", "json"))).toBe(
      `--json ${path.join(file, "x.json")}: ${file} is a file, so the folder cannot be created`,
    );
    expect(fs.readFileSync(file, "utf8")).toBe("keep\n");
  });

  test("through a symbolic link the file it points to is replaced, and the link kept", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "real.json"), "{}\n");
    fs.symlinkSync("real.json", path.join(dir, "link.json"));
    writeOutputFile(path.join(dir, "link.json"), "new\n", "json");
    expect(fs.lstatSync(path.join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, "real.json"), "utf8")).toBe("new\n");
    expect(fs.readdirSync(dir).sort()).toEqual(["link.json", "real.json"]);
  });

  test("through a dangling link the file it names is created (with its folders), and the link kept", () => {
    const dir = tempDir();
    fs.symlinkSync("out/new.csv", path.join(dir, "dangle.csv"));
    writeOutputFile(path.join(dir, "dangle.csv"), "new\n", "out");
    expect(fs.lstatSync(path.join(dir, "dangle.csv")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, "out", "new.csv"), "utf8")).toBe("new\n");
  });

  test("a device is written in place: /dev/null takes the output and stays a device", () => {
    expect(checkOutputFile("/dev/null", "json")).toEqual({ target: "/dev/null", missing: [], inPlace: true });
    writeOutputFile("/dev/null", "x\n", "json");
    expect(fs.statSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  test("a folder that takes no new file is refused before any work, naming the folder", () => {
    // /proc refuses new files even to root, whose permission checks always pass.
    expect(errorOf(() => checkOutputFile("/proc/out.json", "json"))).toMatch(
      /^--json \/proc\/out.json: cannot write in \/proc \(E[A-Z]+\)$/,
    );
  });
});
