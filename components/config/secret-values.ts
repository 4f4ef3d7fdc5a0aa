/**
 * Which rejected values may be credentials, and problems without them: every problem of the stack
 * file and the model specs passes through `withoutSecrets` before it is printed (errors.ts), as the
 * message reaches CI logs and pull-request comments (STYLE rule 7: no secret in a log line). Separate
 * from errors.ts: the rules of what looks secret are their own subject. Imports nothing, so every
 * module that builds problems may use it.
 */

/** What `withoutSecrets` reads and rewrites of a problem (errors.ts `Problem`, said structurally). */
interface ValuedProblem {
  readonly path: string;
  readonly value?: unknown;
  readonly reason: string;
  readonly alsoAt?: { readonly path: string; readonly value?: unknown; readonly reason: string };
}

/**
 * Fields whose rejected value is shown to no one: where a team pastes a webhook URL or SMTP
 * credentials instead of the name of a secret key (`alerting.receivers.<team>`, `alerting.email`),
 * and the fields that name secret keys or were meant to hold a repository URL with a token.
 */
const SECRET_PATHS = [
  /(^|:)alerting\.(receivers|email)(\.|\[|$)/,
  /(urlSecret|kubeconfigSecret|dagsGitRepo|smarthost)$/,
];

/** A key whose value is by its name a credential: `password`, `apiToken`, `secret_key`, `privateKey`. */
const SECRET_KEY = /(secret|passw(or)?d|passwd|token|credential)s?$/i;
/** `key`, `apiKey`, `access_key`, `private-key`: "key" as a word of the name, not `monkey`. */
const KEY_WORD = /(^[kK]ey|[a-z0-9]Key|[_-][kK]ey|KEY)s?$/;

/** Whether a field or map key is by its name a credential. */
function secretName(name: string): boolean {
  return SECRET_KEY.test(name) || KEY_WORD.test(name);
}

/** `scheme://user:password@` (or a token as the user, `https://<token>@github.com`) anywhere in a text. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(:[^\s/@]*)?@/gi;

/**
 * Whether a text is a long random token: an AWS access key id, a vendor token (`ghp_...`,
 * `xoxb-...`, `sk-...`, `hf_...`), 32 or more hex digits, or 20 or more characters of a token
 * alphabet mixing upper case, lower case and digits (an AWS secret key, a base64 credential).
 * Names, versions, paths and URLs have separators or a single case, so they are still shown.
 */
export function looksLikeToken(text: string): boolean {
  const t = text.trim();
  if (/^(AKIA|ASIA)[0-9A-Z]{16}$/.test(t)) return true;
  if (/^(ghp_|gho_|ghs_|github_pat_|glpat-|xox[abpr]-|sk-|hf_|npm_)[A-Za-z0-9_-]{12,}$/.test(t)) return true;
  if (/^[0-9a-f]{32,}$/i.test(t)) return true;
  return /^[A-Za-z0-9+/=_-]{20,}$/.test(t) && /[a-z]/.test(t) && /[A-Z]/.test(t) && /\d/.test(t);
}

/** Whether `value` (a string, or a list or map holding one) may be or hold a credential. */
export function holdsSecret(value: unknown, depth = 0): boolean {
  if (typeof value === "string") {
    URL_CREDENTIALS.lastIndex = 0;
    return URL_CREDENTIALS.test(value) || value.split(/\s+/).some(looksLikeToken);
  }
  if (value === null || typeof value !== "object" || depth > 8) return false;
  return Object.entries(value).some(
    ([k, v]) => (!Array.isArray(value) && secretName(k) && v !== "") || holdsSecret(v, depth + 1),
  );
}

/** Whether the field at `path` (`a.b[2].c`, maybe `ns:`-prefixed) is a secret by where it is. */
export function isSecretPath(path: string): boolean {
  const last = /([^.:[\]]+)(\[\d+\])*$/.exec(path)?.[1] ?? "";
  return SECRET_PATHS.some((re) => re.test(path)) || secretName(last);
}

/** `text` with the credentials of any URL in it replaced by `***`. */
export function withoutUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, "$1***@");
}

/** One value and reason, without the value where it may be a credential. */
function masked<T extends { path: string; value?: unknown; reason: string }>(p: T): T {
  const reason = withoutUrlCredentials(p.reason);
  if (!("value" in p) || (!isSecretPath(p.path) && !holdsSecret(p.value))) return { ...p, reason };
  const { value: _hidden, ...rest } = p;
  return { ...rest, reason: `${reason} (value not shown: it may hold a credential)` } as T;
}

/**
 * `problem` without any value that may be a credential (by its field, `isSecretPath`, or by its
 * look, `holdsSecret`) and with URL credentials cut out of its reason; other problems unchanged.
 */
export function withoutSecrets<P extends ValuedProblem>(problem: P): P {
  const own = masked(problem);
  return problem.alsoAt ? { ...own, alsoAt: masked(problem.alsoAt) } : own;
}
