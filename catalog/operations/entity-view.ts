import type { Entity } from '../model.ts';

/** `include`/`exclude` as the vendor takes them: entity JSON paths like `identifier` or `properties.language`. */
export interface Projection {
  include?: string[] | undefined;
  exclude?: string[] | undefined;
}

/** `$identifier` and `identifier` name the same field: the vendor writes meta properties with a `$`. */
const segmentsOf = (path: string): string[] => path.replace(/^\$/, '').split('.');

/** The entity as answered: only the included paths, without the excluded ones. */
export function projectEntity(entity: Entity, projection: Projection): Partial<Entity> {
  let view: Record<string, unknown> = entity as unknown as Record<string, unknown>;
  if (projection.include && projection.include.length > 0) {
    const picked: Record<string, unknown> = {};
    for (const path of projection.include) copyPath(view, picked, segmentsOf(path));
    view = picked;
  }
  if (projection.exclude && projection.exclude.length > 0) {
    view = structuredClone(view);
    for (const path of projection.exclude) deletePath(view, segmentsOf(path));
  }
  return view as Partial<Entity>;
}

function copyPath(source: Record<string, unknown>, target: Record<string, unknown>, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || !(head in source)) return;
  const value = source[head];
  if (rest.length === 0 || value === null || typeof value !== 'object' || Array.isArray(value)) {
    target[head] = value;
    return;
  }
  const child = (target[head] ??= {}) as Record<string, unknown>;
  copyPath(value as Record<string, unknown>, child, rest);
}

function deletePath(target: Record<string, unknown>, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || !(head in target)) return;
  if (rest.length === 0) {
    delete target[head];
    return;
  }
  const value = target[head];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    deletePath(value as Record<string, unknown>, rest);
  }
}
