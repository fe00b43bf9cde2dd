/** `body.entities[3].identifier`-style path of a parse problem, for messages that say where the input is wrong. */
export function formatIssuePath(root: string, path: readonly PropertyKey[]): string {
  let text = root;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(root)' : text;
}
