import { describe, expect, test } from '@jest/globals';
import { parseJsonInput, parseListOrText } from '../../src/action/json-input.ts';
import { portLinks } from '../../src/action/links.ts';
import { cell, code } from '../../src/action/markdown.ts';
import { renderSummary } from '../../src/action/summary.ts';

describe('job summary', () => {
  test('a heading, the lines as paragraphs, a Markdown table with cells escaped', () => {
    const markdown = renderSummary({
      heading: 'Port: BULK_UPSERT',
      lines: ['2 entities.'],
      table: { header: ['entity', 'error'], rows: [[code('service/a'), cell('bad | worse\nworst')]] },
    });
    expect(markdown).toBe(
      '### Port: BULK_UPSERT\n\n2 entities.\n\n| entity | error |\n| --- | --- |\n| `service/a` | bad \\| worse worst |\n',
    );
  });

  test('inline code with backticks in it gets a longer fence', () => {
    expect(code('a`b')).toBe('`` a`b ``');
  });

  test("links to Port's app for Port's API hosts, none for others (the embedded catalog)", () => {
    expect(portLinks('https://api.getport.io').entity('service', 'a b')).toBe(
      'https://app.getport.io/serviceEntity?identifier=a%20b',
    );
    expect(portLinks('https://api.us.port.io').run('r_1')).toBe('https://app.us.port.io/organization/run?runId=r_1');
    expect(portLinks('http://127.0.0.1:3000').entity('service', 'a')).toBeUndefined();
  });
});

describe('JSON inputs', () => {
  test('as written; else lines trimmed and joined, as the vendor reads them; else the problem as written', () => {
    expect(parseJsonInput('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(parseJsonInput('{"a": "x\n  y"}')).toEqual({ ok: true, value: { a: 'xy' } });
    expect(parseJsonInput('{\n"a": 1,\n}')).toEqual({
      ok: false,
      problem: 'is not valid JSON: expected a property name in double quotes at line 3, column 1 (position 10)',
    });
  });

  test('team and link: a JSON array of strings, a JSON string, or plain text', () => {
    expect(parseListOrText('["a", "b"]')).toEqual({ ok: true, value: ['a', 'b'] });
    expect(parseListOrText('"a"')).toEqual({ ok: true, value: 'a' });
    expect(parseListOrText('platform team')).toEqual({ ok: true, value: 'platform team' });
    expect(parseListOrText('[1]')).toEqual({ ok: false, problem: 'must be a JSON array of strings or a plain string' });
  });
});
