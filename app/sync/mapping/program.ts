/**
 * One resource's mapping as ONE jq program over a batch of objects, so that a page of 1,000 repositories costs
 * one jq run (jq-web compiles the program on every run, so fewer runs is what "compile once" buys).
 *
 * Every expression sits in its own `try` so that a failure is caught and attributed to its field; the outputs
 * are positional. Per object the program gives either (no itemsToParse) one entity row, or `{elements: [rows]}`
 * / `{items: slot}` (itemsToParse failed or was not an array). A row is `[selector]` when the selector is not
 * true, else `[selector, field1, field2, ...]`; each slot is `{v: first output or null}` or `{e: jq's error}`.
 */
import type { ResourceConfig } from './config.ts';
import { formatPath } from '../../../src/port-yml/index.ts';
import { fileReferencePath } from './files.ts';

export type FieldGroup = 'identifier' | 'title' | 'blueprint' | 'icon' | 'team' | 'properties' | 'relations';

export interface FieldSlot {
  group: FieldGroup;
  /** The property or relation key, for those groups. */
  key?: string;
  /** As messages name it: "identifier", "properties.url". */
  field: string;
  /** jq, or undefined for a `file://` value, which is copied into the entity as it is. */
  expression?: string;
  /** The `file://` value itself, when it is one. */
  file?: string;
}

export interface MappingProgram {
  program: string;
  /** The fields in entity order; those with an expression are the row's slots 1, 2, ... in this order. */
  fields: FieldSlot[];
  hasItemsToParse: boolean;
}

const SLOT = '__wharf_slot';
const ENTITY = '__wharf_entity';

/** An expression as a slot: on lines of its own, so that a trailing `# comment` ends where it should. */
function slot(expression: string): string {
  return `${SLOT}(\n${expression}\n)`;
}

export function mappingFields(resource: ResourceConfig): FieldSlot[] {
  const mappings = resource.port.entity.mappings;
  const fields: FieldSlot[] = [];
  const add = (group: FieldGroup, value: string, key?: string): void => {
    const field = key === undefined ? group : formatPath([group, key]);
    const entry: FieldSlot = { group, field };
    if (key !== undefined) entry.key = key;
    if (fileReferencePath(value)) entry.file = value.trim();
    else entry.expression = value;
    fields.push(entry);
  };
  add('identifier', mappings.identifier);
  if (mappings.title !== undefined) add('title', mappings.title);
  add('blueprint', mappings.blueprint);
  if (mappings.icon !== undefined) add('icon', mappings.icon);
  if (mappings.team !== undefined) add('team', mappings.team);
  for (const [key, value] of Object.entries(mappings.properties)) add('properties', value, key);
  for (const [key, value] of Object.entries(mappings.relations)) add('relations', value, key);
  return fields;
}

export function buildProgram(resource: ResourceConfig): MappingProgram {
  const fields = mappingFields(resource);
  const slots = fields.filter((field) => field.expression !== undefined).map((field) => slot(field.expression!));
  const itemsToParse = resource.port.itemsToParse;
  const lines = [
    `def ${SLOT}(f): try ([limit(1; f)] | {v: .[0]}) catch {e: .};`,
    `def ${ENTITY}:`,
    `  ${slot(resource.selector.query)} as $__wharf_selected`,
    `  | if $__wharf_selected.v == true`,
    `    then [$__wharf_selected,`,
    slots.join(',\n'),
    `    ]`,
    `    else [$__wharf_selected] end;`,
  ];
  if (itemsToParse === undefined) {
    lines.push(`[.[] | ${ENTITY}]`);
  } else {
    lines.push(
      `[.[] | . as $__wharf_object | ${slot(itemsToParse)} as $__wharf_items`,
      `  | if ($__wharf_items.v | type) == "array"`,
      `    then {elements: [$__wharf_items.v[] | . as $__wharf_element | $__wharf_object + {item: $__wharf_element} | ${ENTITY}]}`,
      `    else {items: $__wharf_items} end]`,
    );
  }
  return { program: lines.join('\n'), fields, hasItemsToParse: itemsToParse !== undefined };
}
