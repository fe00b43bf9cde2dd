import { PortApiError } from './errors.ts';
import { apiPath, type PortHttp } from './http.ts';
import type { Blueprint, BlueprintDefinition } from '../port-model/index.ts';

export interface BlueprintMethods {
  /** GET one blueprint. Idempotent. A missing one fails with status 404. */
  getBlueprint(identifier: string): Promise<Blueprint>;
  /**
   * Creates the blueprint, or replaces its definition (PUT) when it exists. Idempotent as a whole: a create repeated
   * after a lost answer finds the blueprint taken and replaces it with the same definition.
   */
  upsertBlueprint(blueprint: BlueprintDefinition): Promise<{ blueprint: Blueprint; created: boolean }>;
}

export function blueprintMethods(http: PortHttp): BlueprintMethods {
  return {
    async getBlueprint(identifier) {
      const answer = await http.send<{ blueprint: Blueprint }>({
        operation: 'getBlueprint',
        method: 'GET',
        path: apiPath`/v1/blueprints/${identifier}`,
        idempotent: true,
        expect: 'blueprint',
      });
      return answer.body.blueprint;
    },

    async upsertBlueprint(blueprint) {
      try {
        const answer = await http.send<{ blueprint: Blueprint }>({
          operation: 'upsertBlueprint',
          method: 'POST',
          path: '/v1/blueprints',
          body: blueprint,
          idempotent: true, // see above: a repeat ends in the PUT below
          expect: 'blueprint',
        });
        return { blueprint: answer.body.blueprint, created: true };
      } catch (error) {
        if (!(error instanceof PortApiError && error.status === 409)) throw error;
      }
      const answer = await http.send<{ blueprint: Blueprint }>({
        operation: 'upsertBlueprint',
        method: 'PUT',
        path: apiPath`/v1/blueprints/${blueprint.identifier}`,
        body: blueprint,
        idempotent: true,
        expect: 'blueprint',
      });
      return { blueprint: answer.body.blueprint, created: false };
    },
  };
}
