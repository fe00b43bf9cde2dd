import { describe, expect, test } from '@jest/globals';
import { evaluateJq, JqError, renderTemplates, TemplateError } from '../../src/jq/index.ts';

const context = {
  inputs: { name: 'billing', replicas: 3, flags: { canary: true }, tags: ['a', 'b'], empty: null },
  run: { id: 'r_123' },
  trigger: { by: { user: { email: 'ada@example.com' } } },
};

describe('evaluateJq', () => {
  test('answers every output of real jq', async () => {
    expect(await evaluateJq('.a, .b', { a: 1, b: [2] })).toEqual([1, [2]]);
    expect(await evaluateJq('.a | select(. > 5)', { a: 1 })).toEqual([]);
    expect(await evaluateJq('[.[] | ascii_upcase] | join("-")', ['x', 'y'])).toEqual(['X-Y']);
  });

  test('reports a compile error with jq words and leaves the process exit code alone', async () => {
    const before = process.exitCode;
    await expect(evaluateJq('.a |', {})).rejects.toThrow(JqError);
    await expect(evaluateJq('.a |', {})).rejects.toThrow(/syntax error/);
    await expect(evaluateJq('error("boom")', {})).rejects.toThrow(/^boom$/);
    expect(process.exitCode).toBe(before);
  });
});

describe('renderTemplates', () => {
  test('a whole-string template keeps the type of the jq value', async () => {
    const rendered = await renderTemplates(
      {
        replicas: '{{ .inputs.replicas }}',
        flags: '{{ .inputs.flags }}',
        tags: '  {{ .inputs.tags }} ',
        canary: '{{ .inputs.flags.canary }}',
      },
      context,
    );
    expect(rendered).toEqual({ replicas: 3, flags: { canary: true }, tags: ['a', 'b'], canary: true });
  });

  test('a template inside a longer string is interpolated as text', async () => {
    const rendered = await renderTemplates(
      { text: 'deploy {{ .inputs.name }} x{{ .inputs.replicas }} {{ .inputs.flags }}{{ .inputs.empty }}!' },
      context,
    );
    expect(rendered).toEqual({ text: 'deploy billing x3 {"canary":true}!' });
  });

  test('renders at every depth of objects and arrays and leaves other values as they are', async () => {
    const rendered = await renderTemplates(
      {
        port_context: { runId: '{{.run.id}}', who: '{{ .trigger.by.user.email }}' },
        list: ['{{ .inputs.name }}', 7, false, null, 'plain'],
      },
      context,
    );
    expect(rendered).toEqual({
      port_context: { runId: 'r_123', who: 'ada@example.com' },
      list: ['billing', 7, false, null, 'plain'],
    });
  });

  test('a missing key is null as a whole value and nothing inside text', async () => {
    expect(await renderTemplates({ a: '{{ .inputs.nope }}', b: 'x{{ .inputs.nope.deeper }}y' }, context)).toEqual({
      a: null,
      b: 'xy',
    });
  });

  test('no output is null; several outputs take the first', async () => {
    expect(await renderTemplates(['{{ empty }}', '{{ 1, 2 }}'], context)).toEqual([null, 1]);
  });

  test('a jq error names where the template sits and what jq said', async () => {
    const failure = renderTemplates(
      { body: { ok: '{{ .inputs.name }}', version: '{{ .inputs.name | tonumber }}' } },
      context,
      'invocationMethod',
    );
    await expect(failure).rejects.toThrow(TemplateError);
    await expect(failure).rejects.toThrow(
      /^invocationMethod\.body\.version: \{\{ \.inputs\.name \| tonumber \}\}: .*billing/,
    );
  });

  test('a template that does not compile is named even among good ones', async () => {
    const failure = renderTemplates(
      { a: '{{ .inputs.name }}', b: ['x', '{{ .inputs | }}'] },
      context,
      'workflowInputs',
    );
    await expect(failure).rejects.toThrow(/^workflowInputs\.b\[1\]: \{\{ \.inputs \| \}\}: syntax error/);
  });
});
