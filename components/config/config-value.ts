/**
 * Decoding of one Pulumi config value. The CLI hands every value to the program as a string, with
 * objects and lists JSON-encoded; numbers and booleans arrive as their text.
 */

/** The value JSON-decoded when it is an object, list, number or boolean; otherwise the string itself. */
export function decodeConfigValue(value: string): unknown {
  const trimmed = value.trim();
  if (/^[[{]/.test(trimmed) || /^(true|false|-?\d+(\.\d+)?)$/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}
