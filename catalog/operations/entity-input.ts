import { z } from 'zod';
import { reservedKeyProblem } from '../../src/json/index.ts';
import { invalidRequest, parseOrInvalid } from '../errors.ts';
import type { EntityInput } from '../model.ts';

const relationValue = z.union([z.string(), z.array(z.string()), z.null()]);

// Extra keys (the vendor's clients send `blueprint`) are allowed and ignored, as the contract says.
const entityInputSchema = z.looseObject({
  identifier: z.string().optional(),
  title: z.string().nullable().optional(),
  icon: z.string().nullable().optional(),
  team: z.union([z.string(), z.array(z.string()), z.null()]).optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  relations: z.record(z.string(), relationValue).optional(),
});

/** Checks the shape of one entity of a request; `root` names it in errors (`body`, `body.entities[2]`). */
export function parseEntityInput(body: unknown, root: string): EntityInput {
  if (body !== null && typeof body === 'object' && typeof (body as { identifier?: unknown }).identifier === 'object') {
    throw invalidRequest(`${root}.identifier: a search query as identifier is not supported here; give a string`);
  }
  const input = parseOrInvalid(entityInputSchema, body, root);
  refuseReservedKeys(`${root}.properties`, input.properties);
  refuseReservedKeys(`${root}.relations`, input.relations);
  return input;
}

// A blueprint cannot define these names, and reading them from a plain object finds JavaScript's own members.
function refuseReservedKeys(field: string, record: Record<string, unknown> | undefined): void {
  for (const key of Object.keys(record ?? {})) {
    const problem = reservedKeyProblem(key);
    if (problem) throw invalidRequest(`${field}.${key}: ${problem}`);
  }
}
