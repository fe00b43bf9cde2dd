import { type Receiver, startReceiver } from '../__tests__/helpers/receiver.ts';
import { jqLimitsFromEnv } from '../src/jq/limits.ts';
import { type AppBench, collect, deliver, signed, startAppBench, workflowRunEvent } from './app.ts';
import { bulkUpsert, SERVICE_BLUEPRINT, serviceEntity } from './catalog.ts';
import { renderedAction } from './runs.ts';
import { format, percentile } from './stats.ts';

/** Ordinary requests per second, all kinds together, sent at a fixed pace whatever the answers. */
const RATE = 150;
const PHASE_SECONDS = 20;
const WARM_UP_SECONDS = 5;
const ENTITIES = 5_000;
/** One turn of the ordinary mix: 30 requests/s of each kind at 150/s. */
const MIX = ['upsert', 'get', 'search', 'run', 'app'] as const;
type Kind = (typeof MIX)[number];
const KIND_LABELS: Record<Kind, string> = {
  upsert: 'entity upsert',
  get: 'entity GET',
  search: 'search',
  run: 'run POST (jq template)',
  app: 'App delivery',
};
/** The hostile runs of phase B, one a second in turn: one never ends, one eats memory. */
const HOSTILE_ACTIONS: [string, string][] = [
  ['spin', '{{ last(repeat(1)) }}'],
  ['hog', '{{ [range(1e9)] }}'],
];
const LIMIT_MESSAGE = /limit: (WHARF_JQ_TIMEOUT_MS|WHARF_JQ_MEMORY_MB)\)/;
const SEARCHES = [
  (i: number) => ({ combinator: 'and', rules: [{ property: 'name', operator: '=', value: `svc-${i}` }] }),
  () => ({ combinator: 'and', rules: [{ property: 'language', operator: '=', value: 'Go' }] }),
];

interface PhaseResult {
  label: string;
  latencies: Record<Kind, number[]>;
  errors: number;
  /** Run created (POST sent) to its webhook arriving at the receiver, ms. */
  invoked: number[];
  notInvoked: number;
  /** App delivery sent to the Port run ending, ms. */
  reported: number[];
  notReported: number;
  hostile: { created: number; limited: number; time: number; memory: number; other: string[]; endedAfter: number[] };
  peakMiB: number;
  serverCpuSeconds: number;
  /** How late the load generator sent its latest request, ms: a large figure means the pace was not kept. */
  lateMs: number;
}

/**
 * Issue 10's "done when": ordinary traffic (catalog requests, self-service runs rendered with jq, App deliveries
 * that report Port runs) at a fixed pace against wharf as `npm start` runs it with the App on, alone (phase A) and
 * while one hostile run a second renders a jq template that never ends or eats memory (phase B). Prints the
 * latency of the ordinary requests of each phase and p99(B)/p99(A) beside the goal (within 20 %), the hostile
 * runs that ended FAILURE with the limit's message, and the server's peak memory in each phase.
 */
export async function runHostileBenchmark(): Promise<void> {
  const started = performance.now();
  const limits = jqLimitsFromEnv(process.env);
  const receiver = await startReceiver();
  const app = await startAppBench();
  const { server } = app;
  try {
    await server.call('/v1/blueprints', SERVICE_BLUEPRINT);
    await bulkUpsert(server.call, 0, ENTITIES);
    await server.call('/v1/actions', renderedAction('render', `${receiver.url}/invoke`));
    for (const [identifier, template] of HOSTILE_ACTIONS) {
      await server.call('/v1/actions', {
        identifier,
        title: identifier,
        trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
        invocationMethod: {
          type: 'WEBHOOK',
          url: `${receiver.url}/hostile`,
          body: { run: '{{ .run.id }}', x: template },
        },
      });
    }
    console.log(
      `hostile: ${ENTITIES} entities; ordinary load ${RATE} requests/s for ${PHASE_SECONDS} s a phase (${MIX.map((kind) => KIND_LABELS[kind]).join(', ')}: ${RATE / MIX.length}/s each); phase B adds one hostile run a second (${HOSTILE_ACTIONS.map(([, template]) => template).join(' and ')} in turn); jq limits ${limits.timeoutMs} ms, ${limits.memoryMb} MiB, ${limits.workers} workers`,
    );

    const load = new OrdinaryLoad(app, receiver);
    // The first requests after a start also pay for compiling the code they run: a short phase, not reported.
    await load.phase('warm-up', WARM_UP_SECONDS, false);
    const results: PhaseResult[] = [];
    for (const label of ['A1', 'B1', 'A2', 'B2']) {
      const result = await load.phase(label, PHASE_SECONDS, label.startsWith('B'));
      printPhase(result);
      results.push(result);
    }
    printComparison(results);
    const strays = receiver.requests.filter((request) => request.path === '/hostile').length;
    console.log(
      `hostile: hostile invocations that reached their receiver: ${strays}; whole benchmark ${format((performance.now() - started) / 1000, 0)} s`,
    );
  } finally {
    await app.stop();
    await receiver.close();
  }
}

class OrdinaryLoad {
  private readonly app: AppBench;
  private readonly receiver: Receiver;
  /** Ordinary runs created so far: the receiver has to see as many invocations. */
  private runsCreated = 0;
  /** When each ordinary run's POST was sent (Date.now, as the receiver stamps), by run id. */
  private readonly runSentAt = new Map<string, number>();

  constructor(app: AppBench, receiver: Receiver) {
    this.app = app;
    this.receiver = receiver;
  }

  async phase(label: string, seconds: number, hostile: boolean): Promise<PhaseResult> {
    const { server } = this.app;
    const count = seconds * RATE;
    const kinds = Array.from({ length: count }, (_, i) => MIX[i % MIX.length]!);
    // Port runs for the App to report, linked and signed beforehand: setting them up is not part of the load.
    const appRuns = await this.app.linkedByApp(kinds.filter((kind) => kind === 'app').length);
    const deliveries = appRuns.map((run) => signed(workflowRunEvent('completed', run)));
    const deliveredAt: number[] = [];
    const latencies = Object.fromEntries(MIX.map((kind) => [kind, [] as number[]])) as Record<Kind, number[]>;
    let errors = 0;
    const invokedFrom = this.receiver.requests.length;
    const phaseRuns: string[] = [];

    const send = async (kind: Kind, i: number): Promise<void> => {
      const entity = (i * 7919) % ENTITIES;
      if (kind === 'upsert') {
        await server.call('/v1/blueprints/service/entities?upsert=true', serviceEntity(entity));
      } else if (kind === 'get') {
        await server.request('GET', `/v1/blueprints/service/entities/svc-${entity}`);
      } else if (kind === 'search') {
        const query = SEARCHES[i % SEARCHES.length]!(entity);
        await server.call('/v1/blueprints/service/entities/search', { query, limit: 50 });
      } else if (kind === 'run') {
        const sentAt = Date.now();
        const { run } = (await server.call('/v1/actions/render/runs', { properties: { version: `1.0.${i}` } })) as {
          run: { id: string };
        };
        this.runSentAt.set(run.id, sentAt);
        phaseRuns.push(run.id);
        this.runsCreated++;
      } else {
        const index = deliveredAt.length;
        deliveredAt.push(Date.now());
        await deliver(server.url, deliveries[index]!);
      }
    };

    server.resetPeakMemory();
    const cpuBefore = server.cpuMilliseconds();
    const hostileRuns: { id: Promise<string>; sentAt: number }[] = [];
    const loadStarted = performance.now();
    const hostileLoop = (async () => {
      for (let second = 0; hostile && second < seconds; second++) {
        await sleepUntil(loadStarted + second * 1000 + 500);
        const [identifier] = HOSTILE_ACTIONS[second % HOSTILE_ACTIONS.length]!;
        const id = server.call(`/v1/actions/${identifier}/runs`, { properties: {} }).then((answer) => {
          return (answer as { run: { id: string } }).run.id;
        });
        hostileRuns.push({ id, sentAt: Date.now() });
      }
    })();
    const pending: Promise<void>[] = [];
    let lateMs = 0;
    for (const [i, kind] of kinds.entries()) {
      const due = loadStarted + (i * 1000) / RATE;
      await sleepUntil(due);
      const sentAt = performance.now();
      lateMs = Math.max(lateMs, sentAt - due);
      pending.push(
        send(kind, i).then(
          () => void latencies[kind].push(performance.now() - sentAt),
          () => void errors++,
        ),
      );
    }
    await Promise.all(pending);
    await hostileLoop;
    const serverCpuSeconds = (server.cpuMilliseconds() - cpuBefore) / 1000;

    let notInvoked = 0;
    try {
      await this.receiver.waitFor(invokedFrom + phaseRuns.length + this.strayHostile(), 60_000);
    } catch {
      notInvoked = phaseRuns.length - this.invokedSince(invokedFrom).length;
    }
    const invoked = this.invokedSince(invokedFrom).map((request) => {
      const run = (request.body as { run: string }).run;
      return request.at - this.runSentAt.get(run)!;
    });
    const report = await collect(server, appRuns, deliveredAt);
    const ids = await Promise.all(hostileRuns.map(({ id }) => id.catch(() => undefined)));
    const outcome = await hostileOutcome(
      this.app,
      hostileRuns.map(({ sentAt }, i) => ({ id: ids[i], sentAt })),
    );
    return {
      label,
      latencies,
      errors,
      invoked,
      notInvoked,
      reported: report.latencies,
      notReported: report.lost,
      hostile: outcome,
      peakMiB: server.peakMemoryMiB(),
      serverCpuSeconds,
      lateMs,
    };
  }

  private invokedSince(from: number): { body: unknown; at: number }[] {
    return this.receiver.requests.slice(from).filter((request) => request.path === '/invoke');
  }

  /** Hostile invocations that got through (none should): counted so that waiting for the ordinary ones is right. */
  private strayHostile(): number {
    return this.receiver.requests.filter((request) => request.path === '/hostile').length;
  }
}

/** Waits until each hostile run ended (at most 30 s in all) and counts those that ended FAILURE naming a limit. */
async function hostileOutcome(
  app: AppBench,
  runs: { id: string | undefined; sentAt: number }[],
): Promise<PhaseResult['hostile']> {
  const tally: PhaseResult['hostile'] = { created: 0, limited: 0, time: 0, memory: 0, other: [], endedAfter: [] };
  const deadline = Date.now() + 30_000;
  for (const { id, sentAt } of runs) {
    if (!id) {
      tally.other.push('not created');
      continue;
    }
    tally.created++;
    let ended: { status: string; endedAt: string | null } | undefined;
    while (!ended && Date.now() < deadline) {
      const { run } = (await app.server.request('GET', `/v1/actions/runs/${id}`)) as {
        run: { status: string; endedAt: string | null };
      };
      if (run.endedAt) ended = run;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!ended) {
      tally.other.push('still running after 30 s');
      continue;
    }
    tally.endedAfter.push(Date.parse(ended.endedAt!) - sentAt);
    const { runLogs } = (await app.server.request('GET', `/v1/actions/runs/${id}/logs`)) as {
      runLogs: { message: string }[];
    };
    const message = runLogs.at(-1)?.message ?? '';
    const limit = LIMIT_MESSAGE.exec(message)?.[1];
    if (ended.status === 'FAILURE' && limit) {
      tally.limited++;
      if (limit === 'WHARF_JQ_TIMEOUT_MS') tally.time++;
      else tally.memory++;
    } else {
      tally.other.push(`${ended.status}: ${message}`);
    }
  }
  return tally;
}

function sleepUntil(due: number): Promise<void> {
  const wait = due - performance.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

const allLatencies = (result: PhaseResult): number[] => MIX.flatMap((kind) => result.latencies[kind]);

function spread(samples: number[]): string {
  const at = (fraction: number): string => format(percentile(samples, fraction), 0);
  return `p50 ${at(0.5)} / p95 ${at(0.95)} / p99 ${at(0.99)} ms (${samples.length})`;
}

function printPhase(result: PhaseResult): void {
  const { label, hostile } = result;
  const what = label.startsWith('B') ? 'ordinary load + 1 hostile run/s' : 'ordinary load alone';
  console.log(
    `hostile ${label} (${what}): all ordinary requests ${spread(allLatencies(result))}, failed ${result.errors}; load generator at most ${format(result.lateMs, 0)} ms behind its pace`,
  );
  for (const kind of MIX) console.log(`hostile ${label}:   ${KIND_LABELS[kind]}: ${spread(result.latencies[kind])}`);
  console.log(
    `hostile ${label}:   run created to invoked: ${spread(result.invoked)}, not invoked ${result.notInvoked}; App delivery to run ended: ${spread(result.reported)}, not ended ${result.notReported}`,
  );
  if (hostile.created > 0 || hostile.other.length > 0) {
    const endedAfter = hostile.endedAfter.length > 0 ? `, created to ended ${spread(hostile.endedAfter)}` : '';
    const other = hostile.other.length > 0 ? `; otherwise: ${hostile.other.join(' | ')}` : '';
    console.log(
      `hostile ${label}:   hostile runs: ${hostile.created} created, ${hostile.limited} ended FAILURE with the limit's message (${hostile.time} time, ${hostile.memory} memory)${endedAfter}${other}`,
    );
  }
  console.log(
    `hostile ${label}:   server peak memory (VmHWM) in the phase ${format(result.peakMiB, 0)} MiB, server CPU while loaded ${format(result.serverCpuSeconds, 1)} s`,
  );
}

/** p99(B)/p99(A) of each pair, and of both pairs' samples pooled, for all ordinary requests and each kind. */
function printComparison(results: PhaseResult[]): void {
  const pairs = [
    ['A1', 'B1'],
    ['A2', 'B2'],
  ].map(([a, b]) => [results.find((r) => r.label === a)!, results.find((r) => r.label === b)!] as const);
  const p99 = (samples: number[]): number => percentile(samples, 0.99);
  const ratio = (name: string, pick: (result: PhaseResult) => number[]): void => {
    const figures = pairs.map(([a, b]) => {
      const [before, after] = [p99(pick(a)), p99(pick(b))];
      return `${a.label} ${format(before, 0)} ms, ${b.label} ${format(after, 0)} ms: ${format(after / before, 2)}`;
    });
    const pooled = (phase: 0 | 1): number[] => pairs.flatMap((pair) => pick(pair[phase]));
    console.log(
      `hostile: p99(B)/p99(A), ${name}: ${figures.join('; ')}; pooled ${format(p99(pooled(1)) / p99(pooled(0)), 2)} (goal: at most 1.20)`,
    );
  };
  ratio('all ordinary requests', allLatencies);
  for (const kind of MIX) ratio(KIND_LABELS[kind], (result) => result.latencies[kind]);
  ratio('run created to invoked', (result) => result.invoked);
  ratio('App delivery to run ended', (result) => result.reported);
}
