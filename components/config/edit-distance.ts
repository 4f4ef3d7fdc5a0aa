/**
 * The edit distance the typo hints use (a team, a stack name, a config namespace). On its own: the
 * model checks, the loader and the offline tools share it.
 */
import { distance } from "fastest-levenshtein";

/**
 * Levenshtein distance (insertions, deletions, substitutions) between two short names, from the
 * maintained `fastest-levenshtein`.
 */
export const editDistance = distance;
