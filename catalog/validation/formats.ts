/**
 * Port's property formats: which type each belongs to, and how a value of that format is checked.
 * Source: the `format` enum of schema.properties in Port's OpenAPI description (listed in docs/port-api.md) and the
 * property pages of docs.port.io (timer is a `string` holding an ISO 8601 date-time; labeled-url is an `object`
 * {url, displayText?}).
 */
import type { Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { PropertyType } from '../model.ts';

export const PROPERTY_TYPES: readonly PropertyType[] = ['string', 'number', 'boolean', 'object', 'array'];

export const FORMATS_BY_TYPE: Readonly<Record<PropertyType, readonly string[]>> = {
  string: [
    'date-time',
    'url',
    'email',
    'idn-email',
    'ipv4',
    'ipv6',
    'markdown',
    'yaml',
    'user',
    'team',
    'timer',
    'proto',
    'blueprints',
  ],
  object: ['labeled-url'],
  number: [],
  boolean: [],
  array: [],
};

/** A self-service input takes the formats of a property, and `multi-line` (a string the form asks for in a text area). */
export const INPUT_FORMATS_BY_TYPE: Readonly<Record<PropertyType, readonly string[]>> = {
  ...FORMATS_BY_TYPE,
  string: [...FORMATS_BY_TYPE.string, 'multi-line'],
};

/**
 * ajv-formats' own `url` refuses localhost and private addresses (10.x, 127.x, 192.168.x), which are everyday
 * values in a catalog (internal dashboards, local receivers). Any absolute URL with a scheme and `//` passes here.
 */
function isAbsoluteUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) && URL.canParse(value);
}

/** Checks for the string formats; formats that only tell the UI how to show a string accept any string. */
export const STRING_FORMAT_CHECKS: Readonly<Record<string, Format>> = {
  'date-time': fullFormats['date-time'],
  timer: fullFormats['date-time'],
  url: isAbsoluteUrl,
  email: fullFormats.email,
  // Internationalised addresses: something, an @, something, no spaces.
  'idn-email': /^[^\s@]+@[^\s@]+$/u,
  ipv4: fullFormats.ipv4,
  ipv6: fullFormats.ipv6,
  markdown: true,
  yaml: true,
  user: true,
  team: true,
  proto: true,
  blueprints: true,
  'multi-line': true,
};

/** How messages describe what a format expects. */
export const FORMAT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'date-time': 'an ISO 8601 date-time with a time zone, such as 2024-01-31T12:00:00Z',
  timer: 'an ISO 8601 date-time with a time zone, such as 2024-01-31T12:00:00Z',
  url: 'an absolute URL, such as https://example.com',
  email: 'an email address',
  'idn-email': 'an email address',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
};

/** The JSON Schema of a labeled-url value. */
export const LABELED_URL_SCHEMA = {
  required: ['url'],
  properties: { url: { type: 'string', format: 'url' }, displayText: { type: 'string' } },
} as const;
