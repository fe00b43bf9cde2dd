import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { startFakeGithub } from '../__tests__/helpers/fake-github.ts';
import { startReceiver } from '../__tests__/helpers/receiver.ts';
import { type BenchCatalog, startBenchCatalog } from './catalog-process.ts';
import { format, inParallel, percentile } from './stats.ts';

const DELIVERIES = 1_000;
const CONCURRENCY = 50;
const PACED_RATE = 200;
const WEBHOOK_SECRET = 'bench-webhook-secret';
const OWNER_ID = 1;
const REPO_ID = 2;

/**
 * The App's reporting path, as `npm start` runs it with App credentials: 1,000 signed `workflow_run` completed
 * deliveries at concurrency 50 against the embedded catalog; throughput, time from delivery to the run ending, and
 * whether every run was reported exactly once.
 */
export async function runAppBenchmark(): Promise<void> {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const receiver = await startReceiver();
  // GitHub itself is a local fake: the App's other half (catalog sync) looks up its configuration per repository.
  const github = await startFakeGithub();
  github.addInstallation('acme', 42);
  github.addRepository({ id: REPO_ID, name: 'svc', owner: 'acme' });
  const server = await startBenchCatalog({
    APP_ID: '1',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET,
    GHE_HOST: new URL(github.url).host,
    GHE_PROTOCOL: 'http',
    WHARF_RESYNC_INTERVAL_SECONDS: '0',
  });
  try {
    await server.call('/v1/actions', {
      identifier: 'deploy',
      title: 'Deploy',
      trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
      invocationMethod: { type: 'WEBHOOK', url: receiver.url },
    });
    let workflowRuns = 0;
    /** Runs in progress, each linked to a GitHub run as the App links the runs it dispatches. */
    const linkedRuns = async (count: number): Promise<{ runId: string; workflowRunId: number }[]> => {
      const runs: { runId: string; workflowRunId: number }[] = [];
      await inParallel(count, 8, async (i) => {
        const { run } = (await server.call('/v1/actions/deploy/runs', { properties: {} })) as { run: { id: string } };
        const workflowRunId = ++workflowRuns;
        await server.request('PATCH', `/v1/actions/runs/${run.id}`, {
          externalRunId: `gh_${OWNER_ID}_${REPO_ID}_${workflowRunId}`,
        });
        runs[i] = { runId: run.id, workflowRunId };
      });
      await receiver.waitFor(workflowRuns, 60_000);
      return runs;
    };

    const burst = await linkedRuns(DELIVERIES);
    const sentAt: number[] = [];
    const serverCpuBefore = server.cpuMilliseconds();
    const clientCpuBefore = process.cpuUsage();
    const started = Date.now();
    await inParallel(DELIVERIES, CONCURRENCY, async (i) => {
      sentAt[i] = Date.now();
      await deliverOrThrow(server.url, completedPayload(burst[i]!.workflowRunId));
    });
    const answeredSeconds = (Date.now() - started) / 1000;
    const result = await collect(server, burst, sentAt);
    const allEndedSeconds = (Math.max(...result.endedAt) - started) / 1000;
    // Until every run ended, less the polling that found out (a few hundred reads).
    const serverCpu = server.cpuMilliseconds() - serverCpuBefore;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    console.log(
      `app: ${DELIVERIES} signed workflow_run completed deliveries at concurrency ${CONCURRENCY}: answered in ${format(answeredSeconds, 2)} s, all runs ended after ${format(allEndedSeconds, 2)} s = ${format(DELIVERIES / allEndedSeconds, 0)} reports/s`,
    );
    console.log(
      `app: CPU per report: server ${format(serverCpu / DELIVERIES, 2)} ms (with the polling for the end of runs); this load generator ${format((clientCpu.user + clientCpu.system) / 1000 / DELIVERIES, 2)} ms`,
    );
    console.log(
      `app: delivery to the run's final PATCH p50 ${format(percentile(result.latencies, 0.5), 0)} ms, p99 ${format(percentile(result.latencies, 0.99), 0)} ms; lost ${result.lost}, duplicated ${result.duplicated}`,
    );

    // The same at a steady rate, below what one process sustains: the time a report takes when nothing queues.
    const paced = await linkedRuns(DELIVERIES);
    const pacedSentAt: number[] = [];
    const sends: Promise<void>[] = [];
    for (let i = 0; i < DELIVERIES; i++) {
      pacedSentAt[i] = Date.now();
      sends.push(deliverOrThrow(server.url, completedPayload(paced[i]!.workflowRunId)));
      await new Promise((resolve) => setTimeout(resolve, 1000 / PACED_RATE));
    }
    await Promise.all(sends);
    const steady = await collect(server, paced, pacedSentAt);
    console.log(
      `app: at a steady ${PACED_RATE} deliveries/s: delivery to the run's final PATCH p50 ${format(percentile(steady.latencies, 0.5), 0)} ms, p99 ${format(percentile(steady.latencies, 0.99), 0)} ms; lost ${steady.lost}, duplicated ${steady.duplicated}`,
    );
    console.log(`app server peak memory (VmHWM): ${format(server.peakMemoryMiB(), 0)} MiB`);
  } finally {
    await server.stop();
    await receiver.close();
    await github.close();
  }
}

/** Waits until every run ended; answers when each ended, how long after its delivery, and what was lost or doubled. */
async function collect(
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

async function deliverOrThrow(url: string, payload: unknown): Promise<void> {
  const response = await deliver(url, payload);
  if (response.status !== 200) throw new Error(`a delivery answered ${response.status}`);
}

function completedPayload(workflowRunId: number): unknown {
  return {
    action: 'completed',
    workflow_run: {
      id: workflowRunId,
      name: 'Deploy',
      display_title: 'Deploy',
      run_number: workflowRunId,
      run_attempt: 1,
      status: 'completed',
      conclusion: 'success',
      html_url: `https://github.com/acme/svc/actions/runs/${workflowRunId}`,
    },
    repository: { id: REPO_ID, name: 'svc', full_name: 'acme/svc', owner: { id: OWNER_ID, login: 'acme' } },
    installation: { id: 42 },
    sender: { login: 'octocat', id: 3 },
  };
}

async function deliver(url: string, payload: unknown): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'workflow_run',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
    },
    body,
  });
}
