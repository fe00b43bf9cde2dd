/** Small helpers for reading untyped JSON and for naming values in error messages. */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as JSON, cut short so that one huge value cannot flood an error message. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function describeList(values: readonly unknown[]): string {
  return values.map(describeValue).join(', ');
}

/** `a, b, c` for the first few names, so a message can say what would have been accepted. */
export function describeNames(names: readonly string[], limit = 20): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, limit).join(', ');
  return names.length > limit ? `${shown}, ... (${names.length} in all)` : shown;
}
