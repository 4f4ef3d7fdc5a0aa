/** Generates the README's policy table from the policies themselves, so it cannot drift. */
import { PLATFORM_POLICIES } from "./all";

/** Markdown table: policy name, what it checks, kind, default enforcement in staging and prod. */
export function policyTable(): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const rows = PLATFORM_POLICIES.map((p) => {
    const kind = "validateStack" in p.policy ? "stack" : "resource";
    return `| \`${p.policy.name}\` | ${esc(p.checks)} | ${kind} | ${p.enforcement.staging} | ${p.enforcement.prod} |`;
  });
  return ["| policy | checks | scope | staging | prod |", "| --- | --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}
