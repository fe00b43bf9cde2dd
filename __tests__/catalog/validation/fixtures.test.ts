import { describe, expect, test } from '@jest/globals';
import type { RelationValue } from '../../../catalog/model.ts';
import {
  compileEntityValidator,
  entityIdentifierProblem,
  parseBlueprintDefinition,
} from '../../../catalog/validation/index.ts';
import { example } from '../../helpers/examples.ts';
import { apiErrorMessage } from './expect-api-error.ts';

// Users' blueprints and entities as they write them for Port (see __tests__/fixtures/README.md).

const teamAndDomainExist = { blueprintExists: (id: string) => id === 'team' || id === 'domain' };

function deploymentConfigBlueprint() {
  const body = example('blueprint-deployment-config.json');
  // Tests replace placeholder URLs with a local receiver (__tests__/fixtures/README.md).
  (body.changelogDestination as { url: string }).url = 'http://127.0.0.1:4000/changelog';
  return parseBlueprintDefinition(body, teamAndDomainExist);
}

interface EntityExample {
  identifier: string;
  properties: Record<string, unknown>;
  relations: Record<string, RelationValue>;
}

describe('the examples users write', () => {
  test('blueprint-service.json is accepted', () => {
    const service = parseBlueprintDefinition(example('blueprint-service.json'), teamAndDomainExist);
    expect(service.identifier).toBe('service');
    expect(service.schema.required).toEqual(['name', 'owner', 'lifecycle']);
    expect(service.schema.properties.owner).toEqual({ title: 'Owner', type: 'string', format: 'team' });
  });

  test('blueprint-microservice.json is accepted when team and domain exist, refused otherwise', () => {
    const microservice = parseBlueprintDefinition(example('blueprint-microservice.json'), teamAndDomainExist);
    expect(microservice.schema.required).toEqual([]);
    expect(microservice.relations.team).toEqual({ title: 'Team', target: 'team', required: true, many: false });
    expect(
      apiErrorMessage(
        () =>
          parseBlueprintDefinition(example('blueprint-microservice.json'), {
            blueprintExists: (id) => id === 'domain',
          }),
        'invalid_request',
      ),
    ).toBe('relations.team.target: blueprint "team" does not exist');
  });

  test('blueprint-deployment-config.json is accepted and keeps its UI keys', () => {
    const deploymentConfig = deploymentConfigBlueprint();
    const original = example('blueprint-deployment-config.json') as { schema: { properties: Record<string, unknown> } };
    expect(deploymentConfig.schema.properties).toEqual(original.schema.properties);
    expect(deploymentConfig.changelogDestination).toEqual({ type: 'WEBHOOK', url: 'http://127.0.0.1:4000/changelog' });
  });

  test('the placeholder webhook URL itself is refused', () => {
    expect(
      apiErrorMessage(
        () => parseBlueprintDefinition(example('blueprint-deployment-config.json'), teamAndDomainExist),
        'invalid_request',
      ),
    ).toBe('changelogDestination.url: must be an http(s) URL (got "YOUR_WEBHOOK_URL")');
  });

  test('entity-deployment-config.json validates against deploymentConfig', () => {
    const validator = compileEntityValidator(deploymentConfigBlueprint());
    const entity = example('entity-deployment-config.json') as unknown as EntityExample;
    expect(entityIdentifierProblem(entity.identifier)).toBeUndefined();
    const properties = validator.applyDefaults(entity.properties);
    expect(properties.locked).toBe(false);
    expect(() => validator.validate({ properties, relations: entity.relations, team: [] })).not.toThrow();
    expect(
      apiErrorMessage(
        () => validator.validate({ properties: { ...properties, healthStatus: 'Fine' }, relations: {}, team: [] }),
        'blueprint_schema_mismatch',
      ),
    ).toBe('property "healthStatus" must be one of "Healthy", "Degraded", "Crashed", "Restarting" (got "Fine")');
  });

  test('entity-service-user-service.json validates against the service properties with microservice relations', () => {
    const service = example('blueprint-service.json');
    const microservice = example('blueprint-microservice.json');
    const blueprint = parseBlueprintDefinition({ ...service, relations: microservice.relations }, teamAndDomainExist);
    const validator = compileEntityValidator(blueprint);
    const entity = example('entity-service-user-service.json') as unknown as EntityExample;
    expect(entityIdentifierProblem(entity.identifier)).toBeUndefined();
    expect(() =>
      validator.validate({
        properties: validator.applyDefaults(entity.properties),
        relations: entity.relations,
        team: [],
      }),
    ).not.toThrow();
    expect(
      apiErrorMessage(
        () => validator.validate({ properties: entity.properties, relations: { domain: 'authentication' }, team: [] }),
        'blueprint_schema_mismatch',
      ),
    ).toBe('relation "team" is required');
  });
});
