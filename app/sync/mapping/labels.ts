/** How messages name a GitHub object: "org/repo", "org/repo#12", "org/repo workflow run 42". */
import type { Kind } from './config.ts';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' ? String(value) : undefined;
}

function get(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function itemLabel(kind: Kind, item: unknown, index: number): string {
  const fallback = `items[${index}]`;
  const repository = text(get(item, 'repository', 'full_name'));
  switch (kind) {
    case 'repository':
      return text(get(item, 'full_name')) ?? text(get(item, 'name')) ?? fallback;
    case 'pull-request': {
      const repo = text(get(item, 'base', 'repo', 'full_name')) ?? repository;
      const number = text(get(item, 'number'));
      if (repo && number) return `${repo}#${number}`;
      return text(get(item, 'html_url')) ?? fallback;
    }
    case 'workflow': {
      const name = text(get(item, 'path')) ?? text(get(item, 'name')) ?? text(get(item, 'id'));
      if (!name) return fallback;
      return repository ? `${repository} workflow ${name}` : `workflow ${name}`;
    }
    case 'workflow-run': {
      const id = text(get(item, 'id'));
      if (!id) return fallback;
      return repository ? `${repository} workflow run ${id}` : `workflow run ${id}`;
    }
    default: {
      // Other kinds: the repository (when the object names one) and the object's own name, number or id.
      const own =
        text(get(item, 'number')) ??
        text(get(item, 'name')) ??
        text(get(item, 'login')) ??
        text(get(item, 'slug')) ??
        text(get(item, 'path')) ??
        text(get(item, 'id'));
      const where = repository ?? text(get(item, '__repository'));
      if (!own) return where ? `${where} ${kind} ${fallback}` : fallback;
      return where ? `${where} ${kind} ${own}` : `${kind} ${own}`;
    }
  }
}
