import { describe, expect, test } from '@jest/globals';
import {
  mergeBlueprintPatch,
  parseBlueprintDefinition,
  type BlueprintDefinition,
} from '../../../catalog/validation/index.ts';
import { apiErrorMessage } from './expect-api-error.ts';

const options = { blueprintExists: (id: string) => id === 'team' || id === 'domain', pathIdentifier: 'service' };

function stored(): BlueprintDefinition {
  return parseBlueprintDefinition(
    {
      identifier: 'service',
      title: 'Service',
      icon: 'Service',
      schema: {
        properties: { name: { type: 'string', title: 'Name' }, tier: { type: 'string', enum: ['1', '2'] } },
        required: ['name'],
      },
      relations: { team: { target: 'team', required: true, many: false } },
      mirrorProperties: { teamName: { path: 'team.$title' } },
    },
    options,
  );
}

function patched(patch: unknown): BlueprintDefinition {
  return parseBlueprintDefinition(mergeBlueprintPatch(stored(), patch), options);
}

describe('mergeBlueprintPatch', () => {
  test('adds a property and keeps the others', () => {
    const result = patched({ schema: { properties: { language: { type: 'string' } } } });
    expect(Object.keys(result.schema.properties)).toEqual(['name', 'tier', 'language']);
    expect(result.schema.required).toEqual(['name']);
  });

  test('replaces a property as a whole', () => {
    const result = patched({ schema: { properties: { tier: { type: 'number' } } } });
    expect(result.schema.properties.tier).toEqual({ type: 'number' });
  });

  test('null removes a property or a relation', () => {
    const result = patched({ schema: { properties: { tier: null } }, relations: { team: null } });
    expect(Object.keys(result.schema.properties)).toEqual(['name']);
    expect(result.relations).toEqual({});
  });

  test('merges relations key by key', () => {
    const result = patched({ relations: { domain: { target: 'domain', required: false, many: true } } });
    expect(Object.keys(result.relations)).toEqual(['team', 'domain']);
  });

  test('replaces other top-level keys, and schema.required when given', () => {
    const result = patched({ title: 'Services', mirrorProperties: {}, schema: { required: [] } });
    expect(result.title).toBe('Services');
    expect(result.icon).toBe('Service');
    expect(result.mirrorProperties).toEqual({});
    expect(result.schema.required).toEqual([]);
    expect(Object.keys(result.schema.properties)).toEqual(['name', 'tier']);
  });

  test('does not change the stored blueprint', () => {
    const existing = stored();
    const before = structuredClone(existing);
    mergeBlueprintPatch(existing, {
      schema: { properties: { tier: null, x: { type: 'string' } } },
      relations: { team: null },
    });
    expect(existing).toEqual(before);
  });

  test('its result is checked like a PUT body', () => {
    expect(
      apiErrorMessage(
        () => patched({ schema: { properties: { tier: { type: 'string', default: 3 } } } }),
        'invalid_request',
      ),
    ).toBe('schema.properties.tier.default: must be a string (got 3)');
    expect(apiErrorMessage(() => patched({ schema: { required: ['name', 'gone'] } }), 'invalid_request')).toBe(
      'schema.required[1]: "gone" is not a property of this blueprint',
    );
    expect(apiErrorMessage(() => patched({ relations: 'none' }), 'invalid_request')).toBe(
      'relations: must be an object (got "none")',
    );
    expect(apiErrorMessage(() => patched('x'), 'invalid_request')).toBe('body: must be a JSON object (got "x")');
  });
});
