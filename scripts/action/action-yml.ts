import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** One input as action.yml declares it. */
export interface DeclaredInput {
  name: string;
  description: string;
  /** Whether a workflow must give it (the runner does not enforce this; the settings parser does). */
  required: boolean;
  /** What the runner passes when the workflow does not give it. */
  default?: string;
}

/** The inputs of action.yml, in its order; fails naming the input whose declaration has an unexpected shape. */
export async function readDeclaredInputs(actionYmlPath: string): Promise<DeclaredInput[]> {
  return declaredInputs(parse(await readFile(actionYmlPath, 'utf8')) as unknown, actionYmlPath);
}

/** The inputs of a parsed action.yml (`source` names it in errors). */
export function declaredInputs(metadata: unknown, source: string): DeclaredInput[] {
  const inputs = isRecord(metadata) ? metadata.inputs : undefined;
  if (!isRecord(inputs)) throw new Error(`${source}: no "inputs" mapping`);
  return Object.entries(inputs).map(([name, declaration]) => {
    const problem = (what: string) => new Error(`${source}: input "${name}": ${what}`);
    if (!isRecord(declaration)) throw problem('is not a mapping');
    const { description, required = false, default: fallback } = declaration;
    if (typeof description !== 'string' || description.trim() === '') throw problem('has no description');
    if (typeof required !== 'boolean') throw problem('"required" is not true or false');
    if (fallback !== undefined && typeof fallback !== 'string') throw problem('"default" is not a quoted string');
    return {
      name,
      description: description.trim(),
      required,
      ...(fallback === undefined ? {} : { default: fallback }),
    };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
