/**
 * An action whose entity input depends on another input, as Port's advanced forms write it: "Cluster" offers the
 * clusters of the environment chosen in "Environment" (a dataset rule whose value is the jq query `.form.env`).
 * `sort` orders the clusters offered; `inputs` adds inputs.
 */
export function placeAction(
  webhookUrl: string,
  environments: readonly string[],
  more: { sort?: { property: string; order: 'ASC' | 'DESC' }; inputs?: Record<string, Record<string, unknown>> } = {},
): Record<string, unknown> {
  return {
    identifier: 'place',
    title: 'Place a workload',
    trigger: {
      type: 'self-service',
      operation: 'CREATE',
      userInputs: {
        properties: {
          env: { type: 'string', title: 'Environment', enum: [...environments], default: environments[0] },
          cluster: {
            type: 'string',
            title: 'Cluster',
            format: 'entity',
            blueprint: 'cluster',
            dataset: {
              combinator: 'and',
              rules: [{ property: 'env', operator: '=', value: { jqQuery: '.form.env' } }],
            },
            ...(more.sort && { sort: more.sort }),
          },
          ...more.inputs,
        },
      },
    },
    invocationMethod: { type: 'WEBHOOK', url: webhookUrl },
  };
}
