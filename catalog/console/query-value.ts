/** A query string or form value as one string: the first when the name came more than once; else undefined. */
export function firstValue(value: unknown): string | undefined {
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof first === 'string' ? first : undefined;
}
