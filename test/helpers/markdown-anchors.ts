/**
 * The anchors GitHub gives a Markdown file's headings, for the tests that check links into docs.
 * github-slugger's rule, written out for ASCII (the package is ESM-only, which this Jest setup does
 * not load): the heading's text lower-cased, ASCII punctuation other than `-` and `_` dropped, each
 * space a `-`; a repeated slug gets `-1`, `-2`, ... Headings inside fenced code blocks are not headings.
 */

/** ASCII punctuation except `-` and `_`: what GitHub drops from a heading's slug. */
const DROPPED = /[!-,./:-@[-^`{-~]/g;

/** GitHub's slug of one heading's text (inline code and link targets as GitHub renders them). */
export function githubSlug(text: string): string {
  const rendered = text.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
  return rendered.toLowerCase().replace(DROPPED, "").replace(/ /g, "-");
}

/** The ATX headings (`#` to `######`) of a Markdown text, in order, outside fenced code blocks. */
export function markdownHeadings(markdown: string): string[] {
  const headings: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const m = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) headings.push(m[1]);
  }
  return headings;
}

/** Every heading's anchor, with GitHub's `-1`, `-2` suffixes for repeated slugs. */
export function markdownAnchors(markdown: string): string[] {
  const seen = new Map<string, number>();
  return markdownHeadings(markdown).map((h) => {
    const slug = githubSlug(h);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    return n === 0 ? slug : `${slug}-${n}`;
  });
}
