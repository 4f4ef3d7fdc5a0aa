/**
 * Decoding of one Pulumi config value. The CLI hands every value to the program as a string, with
 * objects and lists JSON-encoded; numbers and booleans arrive as their text.
 */

/**
 * The value JSON-decoded when it is an object, list, number, boolean or null; otherwise the string
 * itself. A key left empty in the stack file (`mlops-platform:addons:` with every line under it
 * commented out) is YAML's null, which the offline reader hands the program as the JSON `null`:
 * read as the string "null", it was refused as "not a string", which names neither slip nor fix.
 */
export function decodeConfigValue(value: string): unknown {
  const trimmed = value.trim();
  if (/^[[{]/.test(trimmed) || /^(true|false|null|-?\d+(\.\d+)?)$/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}
