import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer } from '../__tests__/helpers/child-server.ts';
import { startFaultProxy } from '../__tests__/port/fault-proxy.ts';
import { startFakeGithub } from '../__tests__/helpers/fake-github.ts';
import { startReceiver } from '../__tests__/helpers/receiver.ts';
import { type BenchCatalog, startBenchCatalog } from './catalog-process.ts';
import { githubAppEnv, signedDelivery } from './github-app.ts';
import { format, inParallel, percentile } from './stats.ts';

const DELIVERIES = 1_000;
const CONCURRENCY = 50;
const LOW_CONCURRENCY = 10;
const PACED_RATE = 200;
const OWNER_ID = 1;
const REPO_ID = 2;
const INSTALLATION_ID = 42;

/**
 * The App's reporting path, as `npm start` runs it with App credentials: 1,000 signed `workflow_run` completed
 * deliveries at concurrency 50 against the embedded catalog; throughput, time from delivery to the run ending, and
 * whether every run was reported exactly once. For runs the App linked itself (the common case) and runs linked in
 * Port (a lookup each), at concurrency 50 and 10, then at a steady rate.
 */
export async function runAppBenchmark(): Promise<void> {
  const app = await startAppBench();
  const { server, linkedByApp, linkedInPort } = app;
  try {
    const burst = async (runs: LinkedRun[], concurrency: number, what: string): Promise<void> => {
      // Built and signed beforehand: GitHub's side of the work is not the App's.
      const deliveries = runs.map((run) => signed(workflowRunEvent('completed', run)));
      const sentAt: number[] = [];
      const serverCpuBefore = server.cpuMilliseconds();
      const clientCpuBefore = process.cpuUsage();
      const started = Date.now();
      await inParallel(DELIVERIES, concurrency, async (i) => {
        sentAt[i] = Date.now();
        await deliver(server.url, deliveries[i]!);
      });
      const answeredSeconds = (Date.now() - started) / 1000;
      const serverCpu = server.cpuMilliseconds() - serverCpuBefore;
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const result = await collect(server, runs, sentAt);
      const allEndedSeconds = (Math.max(...result.endedAt) - started) / 1000;
      console.log(
        `app: ${what}, concurrency ${concurrency}: ${DELIVERIES} signed workflow_run completed deliveries answered in ${format(answeredSeconds, 2)} s, all runs ended after ${format(allEndedSeconds, 2)} s = ${format(DELIVERIES / allEndedSeconds, 0)} reports/s`,
      );
      console.log(
        `app: ${what}, concurrency ${concurrency}: delivery to the run's final PATCH p50 ${format(percentile(result.latencies, 0.5), 0)} ms, p99 ${format(percentile(result.latencies, 0.99), 0)} ms, max ${format(Math.max(...result.latencies), 0)} ms; lost ${result.lost}, duplicated ${result.duplicated}`,
      );
      console.log(
        `app: ${what}, concurrency ${concurrency}: CPU per delivery while answering: server ${format(serverCpu / DELIVERIES, 2)} ms, this load generator ${format((clientCpu.user + clientCpu.system) / 1000 / DELIVERIES, 2)} ms`,
      );
    };

    // The first deliveries after a start also pay for compiling the code they run: one burst, measured apart.
    await burst(await linkedByApp(DELIVERIES), CONCURRENCY, 'first burst after start (warm-up)');
    // Three rounds: on a shared 2-core machine one round's tail moves with whatever else runs.
    for (let round = 1; round <= 3; round++) {
      await burst(await linkedByApp(DELIVERIES), CONCURRENCY, `runs the App linked (round ${round})`);
    }
    await burst(await linkedInPort(DELIVERIES), CONCURRENCY, 'runs linked in Port');
    await burst(await linkedByApp(DELIVERIES), LOW_CONCURRENCY, 'runs the App linked');

    // The same at a steady rate, below what one process sustains: the time a report takes when nothing queues.
    const paced = await linkedByApp(DELIVERIES);
    const pacedDeliveries = paced.map((run) => signed(workflowRunEvent('completed', run)));
    const pacedSentAt: number[] = [];
    const sends: Promise<void>[] = [];
    for (let i = 0; i < DELIVERIES; i++) {
      pacedSentAt[i] = Date.now();
      sends.push(deliver(server.url, pacedDeliveries[i]!));
      await new Promise((resolve) => setTimeout(resolve, 1000 / PACED_RATE));
    }
    await Promise.all(sends);
    const steady = await collect(server, paced, pacedSentAt);
    console.log(
      `app: at a steady ${PACED_RATE} deliveries/s: delivery to the run's final PATCH p50 ${format(percentile(steady.latencies, 0.5), 0)} ms, p99 ${format(percentile(steady.latencies, 0.99), 0)} ms; lost ${steady.lost}, duplicated ${steady.duplicated}`,
    );
    console.log(`app server peak memory (VmHWM): ${format(server.peakMemoryMiB(), 0)} MiB`);
  } finally {
    await app.stop();
  }
  await runActionsProcessorBenchmark();
}

/** Runs of the integration-action benchmark; BENCH_ACTION_RUNS sets fewer for a quick look. */
const ACTION_RUNS = Number(process.env.BENCH_ACTION_RUNS ?? 1000);
const GITHUB_LATENCY_MS = 20;

/**
 * The App as Port's actions processor: `ACTION_RUNS` runs of a `dispatch_workflow` INTEGRATION_ACTION action created
 * in a burst on the embedded catalog (its own process), claimed and executed by the App (another process, as
 * `npm start` with PORT_BASE_URL runs it) through a counting proxy, against a fake GitHub answering in 20 ms. Runs
 * per second, time from each run's creation to its workflow dispatched, and the GitHub and Port requests per run.
 */
export async function runActionsProcessorBenchmark(): Promise<void> {
  const github = await startFakeGithub({ latencyMs: GITHUB_LATENCY_MS });
  github.addInstallation('acme', INSTALLATION_ID);
  github.addRepository({ id: REPO_ID, name: 'svc', owner: 'acme' });
  const dispatchedAt = new Map<string, number>();
  let workflowRun = 0;
  github.route('POST', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', ({ body }) => {
    const runId = (body as { inputs: { port_run_id: string } }).inputs.port_run_id;
    dispatchedAt.set(runId, Date.now());
    const id = ++workflowRun;
    return { status: 200, body: { workflow_run_id: id, html_url: `https://github.com/acme/svc/actions/runs/${id}` } };
  });
  const catalog = await startBenchCatalog();
  const proxy = await startFaultProxy(catalog.url);
  const appDataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-app-'));
  const app = await startChildServer({
    ...githubAppEnv(github.url),
    WHARF_DATA_DIR: appDataDir,
    PORT_BASE_URL: proxy.url,
    PORT_CLIENT_ID: 'bench',
    PORT_CLIENT_SECRET: 'bench-secret',
    WHARF_INTEGRATION_ID: 'wharf-bench',
  });
  try {
    await catalog.call('/v1/actions', {
      identifier: 'dispatch',
      title: 'Dispatch',
      trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
      invocationMethod: {
        type: 'INTEGRATION_ACTION',
        installationId: 'wharf-bench',
        integrationProvider: 'GITHUB',
        integrationActionType: 'dispatch_workflow',
        integrationActionExecutionProperties: {
          org: 'acme',
          repo: 'svc',
          workflow: 'deploy.yml',
          workflowInputs: { port_run_id: '{{ .run.id }}' },
          reportWorkflowStatus: false,
        },
      },
    });
    // What the processor sent before the burst (token, idle polls) is not the runs' cost.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    proxy.reset();
    github.reset();
    const createdAt = new Map<string, number>();
    const started = Date.now();
    await inParallel(ACTION_RUNS, 8, async () => {
      const { run } = (await catalog.call('/v1/actions/dispatch/runs', { properties: {} })) as {
        run: { id: string; createdAt: string };
      };
      createdAt.set(run.id, Date.parse(run.createdAt));
    });
    const createdSeconds = (Date.now() - started) / 1000;
    // Done once every run ended (SUCCESS once dispatched, reportWorkflowStatus being off).
    const deadline = Date.now() + (ACTION_RUNS * 1.5 + 120) * 1000;
    for (;;) {
      const { runs } = (await catalog.request('GET', '/v1/actions/runs?action=dispatch&active=true&limit=1')) as {
        runs: unknown[];
      };
      if (runs.length === 0) break;
      if (Date.now() > deadline) throw new Error('the runs did not all end in time');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const lastDispatch = Math.max(...dispatchedAt.values());
    const seconds = (lastDispatch - started) / 1000;
    const latencies = [...createdAt].map(([runId, at]) => (dispatchedAt.get(runId) ?? Number.NaN) - at);
    const lost = latencies.filter((latency) => Number.isNaN(latency)).length;
    const dispatches = github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/dispatches')).length;
    const portBy = (pattern: RegExp): number =>
      proxy.requests.filter((r) => pattern.test(`${r.method} ${r.path}`)).length;
    console.log(
      `app actions: ${ACTION_RUNS} pending dispatch_workflow runs (created in ${format(createdSeconds, 1)} s) claimed and executed in ${format(seconds, 1)} s = ${format(ACTION_RUNS / seconds, 2)} runs/s; fake GitHub at ${GITHUB_LATENCY_MS} ms`,
    );
    console.log(
      `app actions: run creation to workflow dispatched p50 ${format(percentile(latencies, 0.5) / 1000, 1)} s, p99 ${format(percentile(latencies, 0.99) / 1000, 1)} s, max ${format(Math.max(...latencies) / 1000, 1)} s; dispatched ${dispatches} (${dispatches - ACTION_RUNS + lost} twice), not dispatched ${lost}`,
    );
    console.log(
      `app actions: GitHub requests per run ${format(github.requests.length / ACTION_RUNS, 2)}; Port requests per run ${format(proxy.requests.length / ACTION_RUNS, 2)} (claim ${format(portBy(/claim-pending$/) / ACTION_RUNS, 2)}, ack ${format(portBy(/runs\/ack$/) / ACTION_RUNS, 2)}, run PATCH ${format(portBy(/^PATCH \/v1\/actions\/runs\/r_/) / ACTION_RUNS, 2)}, log lines ${format(portBy(/\/logs$/) / ACTION_RUNS, 2)})`,
    );
  } finally {
    await app.stop('SIGTERM');
    rmSync(appDataDir, { recursive: true, force: true });
    await proxy.close();
    await catalog.stop();
    await github.close();
  }
}

export interface AppBench {
  server: BenchCatalog;
  /** `count` Port runs in progress that the App linked to GitHub runs, ready for their `completed` deliveries. */
  linkedByApp(count: number): Promise<LinkedRun[]>;
  /** `count` Port runs in progress linked in Port (externalRunId), as another tool links them. */
  linkedInPort(count: number): Promise<LinkedRun[]>;
  stop(): Promise<void>;
}

/**
 * wharf as `npm start` runs it with App credentials, against a local fake GitHub, with a `deploy` action whose runs
 * the App reports.
 */
export async function startAppBench(): Promise<AppBench> {
  const receiver = await startReceiver();
  // GitHub itself is a local fake: catalog sync, the App's other half, reads its configuration there.
  const github = await startFakeGithub();
  github.addInstallation('acme', INSTALLATION_ID);
  github.addRepository({ id: REPO_ID, name: 'svc', owner: 'acme' });
  const server = await startBenchCatalog(githubAppEnv(github.url));
  await server.call('/v1/actions', {
    identifier: 'deploy',
    title: 'Deploy',
    trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
    invocationMethod: { type: 'WEBHOOK', url: receiver.url },
  });
  let workflowRuns = 0;
  /** Runs in progress, each waiting for the GitHub run `workflowRunId` to report it. */
  const openRuns = async (count: number): Promise<LinkedRun[]> => {
    const runs: LinkedRun[] = [];
    await inParallel(count, 8, async (i) => {
      const { run } = (await server.call('/v1/actions/deploy/runs', { properties: {} })) as { run: { id: string } };
      runs[i] = { runId: run.id, ownerId: OWNER_ID, repoId: REPO_ID, workflowRunId: ++workflowRuns };
    });
    await receiver.waitFor(workflowRuns, 60_000);
    return runs;
  };
  return {
    server,
    /**
     * Runs the App linked itself, as it links the runs it dispatches: here by the run-name opt-in on `requested`
     * (the App's dispatches cannot set up 1,000 runs in a benchmark: GitHub asks for writes one second apart, and
     * Probot's client keeps to it).
     */
    linkedByApp: async (count) => {
      const runs = await openRuns(count);
      await inParallel(count, 8, async (i) => deliver(server.url, signed(workflowRunEvent('requested', runs[i]!))));
      await waitForLinks(server, runs);
      return runs;
    },
    /** Runs another tool linked by PATCHing externalRunId: the App finds each with a Port lookup. */
    linkedInPort: async (count) => {
      const runs = await openRuns(count);
      await inParallel(count, 8, async (i) => {
        const { runId, workflowRunId } = runs[i]!;
        await server.request('PATCH', `/v1/actions/runs/${runId}`, {
          externalRunId: `gh_${OWNER_ID}_${REPO_ID}_${workflowRunId}`,
        });
      });
      return runs;
    },
    stop: async () => {
      agent.destroy();
      await server.stop();
      await receiver.close();
      await github.close();
    },
  };
}

export interface LinkedRun {
  runId: string;
  ownerId: number;
  repoId: number;
  workflowRunId: number;
}

/** Waits until the App linked every run (Port shows its externalRunId). */
async function waitForLinks(server: BenchCatalog, runs: LinkedRun[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const { runId } of runs) {
    for (;;) {
      const { run } = (await server.request('GET', `/v1/actions/runs/${runId}`)) as { run: { externalRunId?: string } };
      if (run.externalRunId) break;
      if (Date.now() > deadline) throw new Error(`the App did not link run ${runId} within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Waits until every run ended; answers when each ended, how long after its delivery, and what was lost or doubled. */
export async function collect(
  server: BenchCatalog,
  runs: { runId: string }[],
  sentAt: number[],
): Promise<{ endedAt: number[]; latencies: number[]; lost: number; duplicated: number }> {
  const endedAt: number[] = [];
  const deadline = Date.now() + 60_000;
  let lost = 0;
  for (const [i, { runId }] of runs.entries()) {
    for (;;) {
      const { run } = (await server.request('GET', `/v1/actions/runs/${runId}`)) as { run: { endedAt: string | null } };
      if (run.endedAt) {
        endedAt[i] = Date.parse(run.endedAt);
        break;
      }
      if (Date.now() > deadline) {
        lost++;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  let duplicated = 0;
  for (const { runId } of runs) {
    const { runLogs } = (await server.request('GET', `/v1/actions/runs/${runId}/logs`)) as {
      runLogs: { message: string }[];
    };
    if (runLogs.filter((log) => log.message.includes('completed:')).length > 1) duplicated++;
  }
  const latencies = endedAt.map((at, i) => at - sentAt[i]!).filter((value) => !Number.isNaN(value));
  return { endedAt, latencies, lost, duplicated };
}

export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** A `workflow_run` event of one run; its run-name carries the Port run id (the opt-in of runs started elsewhere). */
export function workflowRunEvent(action: 'requested' | 'completed', run: LinkedRun): unknown {
  const completed = action === 'completed';
  return {
    action,
    workflow_run: {
      id: run.workflowRunId,
      name: 'Deploy',
      display_title: `Deploy (${run.runId})`,
      run_number: run.workflowRunId,
      run_attempt: 1,
      status: completed ? 'completed' : 'queued',
      conclusion: completed ? 'success' : null,
      html_url: `https://github.com/acme/svc/actions/runs/${run.workflowRunId}`,
    },
    repository: { id: run.repoId, name: 'svc', full_name: 'acme/svc', owner: { id: run.ownerId, login: 'acme' } },
    installation: { id: INSTALLATION_ID },
    sender: { login: 'octocat', id: 3 },
  };
}

/** A `workflow_run` delivery of `event`, signed, with its length (node:http would otherwise send it chunked). */
export function signed(event: unknown): Delivery {
  const { body, headers } = signedDelivery('workflow_run', event);
  return { body, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } };
}

/**
 * Keep-alive connections, one per concurrent delivery, over node:http: fetch costs this process several times the
 * CPU, which on a 2-core machine is taken from the server being measured.
 */
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** Sends one delivery; throws unless it is answered 200. */
export function deliver(url: string, delivery: Delivery): Promise<void> {
  return new Promise((resolve, reject) => {
    const sent = request(
      `${url}/api/github/webhooks`,
      { method: 'POST', agent, headers: delivery.headers },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200 ? resolve() : reject(new Error(`a delivery answered ${response.statusCode}`)),
        );
      },
    );
    sent.on('error', reject);
    sent.end(delivery.body);
  });
}
