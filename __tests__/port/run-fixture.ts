import type { Run } from '../../src/port/index.ts';

/** A run as Port answers it (every field of the Port model's Run), IN_PROGRESS unless `fields` say otherwise. */
export function aRun(fields: Partial<Run> = {}): Run {
  return {
    id: 'r_QOz6WoOB1Q2lmhZZ',
    status: 'IN_PROGRESS',
    statusLabel: null,
    link: [],
    summary: null,
    externalRunId: null,
    requiredApproval: false,
    source: 'API',
    properties: {},
    action: { identifier: 'deploy', title: 'Deploy', deleted: false },
    blueprint: null,
    entity: null,
    createdAt: '2026-01-05T10:00:00.000Z',
    updatedAt: '2026-01-05T10:00:00.000Z',
    endedAt: null,
    createdBy: 'wharf',
    updatedBy: 'wharf',
    ...fields,
  };
}
