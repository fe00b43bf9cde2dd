/**
 * Two App replicas (`npm start` processes) on one PostgreSQL database, behind a round-robin load balancer, reporting
 * to one catalog process: every `workflow_run` completion delivered to both replicas, one of them killed while the
 * deliveries go on, having answered deliveries whose writes to Port were still under way. Each run is reported once,
 * none is lost, and what a replica answered is reported within an outbox lease (+ a margin) of the answer, by the
 * survivor when the replica that answered died.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { linkInPort, type LinkedRun, signed, workflowRunEvent } from '../../bench/app.ts';
import { BENCH_CREDENTIALS, type BenchCatalog, startBenchCatalog } from '../../bench/catalog-process.ts';
import { githubAppEnv } from '../../bench/github-app.ts';
import { inParallel } from '../../bench/stats.ts';
import { type ChildServer, startChildServer } from '../helpers/child-server.ts';
import { type FakeGithub, startFakeGithub } from '../helpers/fake-github.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres/index.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import {
  AIM_HEADER,
  ANSWERED_BY_HEADER,
  type RoundRobinProxy,
  startRoundRobinProxy,
} from '../helpers/round-robin-proxy.ts';
import { type FaultProxy, type ProxiedRequest, startFaultProxy } from '../port/fault-proxy.ts';

const RUNS = 1_000;
/** At most this many runs' deliveries under way at once. */
const CONCURRENCY = 50;
/**
 * Runs whose completions start each second (each delivered twice): the deliveries go on for 40 s, so that B dies
 * early in them (see KILL_AFTER) and its rows are taken over while they go on.
 */
const RUNS_PER_SECOND = 25;
/**
 * Replica B (index 1) is killed once this many completions were answered and it answered some whose writes hung
 * (8 s after they started hanging, when answerWithinMs ran out): about 400 deliveries in.
 */
const KILL_AFTER = 300;
/** After this many answers, B's next HUNG_WRITES writes to Port hang: B answers their deliveries with them undone. */
const HANG_AFTER = 1;
const HUNG_WRITES = 10;
/** An answer that took this long waited for answerWithinMs (8 s) to run out, its writes not done. */
const HUNG_ANSWER_MS = 5_000;
/** B is killed this long after the writes started hanging even if it answered none of them yet. */
const HUNG_WAIT_MS = 12_000;
const A = 0;
const B = 1;
/** The replicas' outbox lease (WHARF_OUTBOX_LEASE_SECONDS; 30 s by default): a dead replica's rows wait this long. */
const LEASE_MS = 10_000;
/**
 * What a report may take beyond the lease: the dead replica's last renewal of it (every third of the lease, so up to
 * a third of it after the claim), the survivor's outbox poll (1 s), the writes, this machine being busy.
 */
const MARGIN_MS = LEASE_MS / 3 + 8_000;

let database: TestDatabase;
let github: FakeGithub;
let receiver: Receiver;
let catalog: BenchCatalog;
/** In front of the catalog, one per replica: which replica wrote what, and when. */
let portProxies: FaultProxy[];
const replicas: ChildServer[] = [];
const dataDirs: string[] = [];
let balancer: RoundRobinProxy;

beforeAll(async () => {
  database = await createTestDatabase('two replicas');
  github = await startFakeGithub();
  github.addInstallation('acme', 42);
  github.addRepository({ id: 2, name: 'svc', owner: 'acme' });
  receiver = await startReceiver();
  // The catalog: npm start without DATABASE_URL and without App credentials.
  catalog = await startBenchCatalog();
  portProxies = [await startFaultProxy(catalog.url), await startFaultProxy(catalog.url)];
  const appEnv = githubAppEnv(github.url);
  const started = await Promise.all(
    portProxies.map((portProxy) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'wharf-replica-'));
      dataDirs.push(dataDir);
      return startChildServer({
        ...appEnv,
        DATABASE_URL: database.url,
        PORT_BASE_URL: portProxy.url,
        PORT_CLIENT_ID: BENCH_CREDENTIALS.clientId,
        PORT_CLIENT_SECRET: BENCH_CREDENTIALS.clientSecret,
        WHARF_DATA_DIR: dataDir,
        WHARF_ACTIONS_PROCESSOR: 'off',
        WHARF_OUTBOX_LEASE_SECONDS: String(LEASE_MS / 1000),
      });
    }),
  );
  replicas.push(...started);
  balancer = await startRoundRobinProxy(replicas.map((replica) => replica.url));
  await catalog.call('/v1/actions', {
    identifier: 'deploy',
    title: 'Deploy',
    trigger: { type: 'self-service', operation: 'CREATE', userInputs: { properties: {} } },
    invocationMethod: { type: 'WEBHOOK', url: receiver.url },
  });
}, 60_000);

afterAll(async () => {
  agent.destroy();
  await balancer?.close();
  for (const replica of replicas) await replica.stop('SIGTERM');
  for (const portProxy of portProxies ?? []) await portProxy.close();
  await catalog?.stop();
  await receiver?.close();
  await github?.close();
  await database?.drop();
  for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });

interface Answer {
  /** 0 when nothing answered (the replica died with the request). */
  status: number;
  /** The replica that answered, per the balancer. */
  by: number | undefined;
  at: number;
}

/** Delivers a completion of `run` through the balancer (to `aim` when given), as a new GitHub delivery id. */
function deliver(run: LinkedRun, aim?: number): Promise<Answer> {
  const { body, headers } = signed(workflowRunEvent('completed', run));
  const aimed = aim === undefined ? {} : { [AIM_HEADER]: String(aim) };
  return new Promise((resolve) => {
    const sent = request(
      `${balancer.url}/api/github/webhooks`,
      { method: 'POST', agent, headers: { ...headers, 'x-github-delivery': randomUUID(), ...aimed } },
      (response) => {
        response.resume();
        response.on('end', () => {
          const by = response.headers[ANSWERED_BY_HEADER];
          resolve({ status: response.statusCode ?? 0, by: by === undefined ? undefined : Number(by), at: Date.now() });
        });
        response.on('error', () => resolve({ status: 0, by: undefined, at: Date.now() }));
      },
    );
    sent.on('error', () => resolve({ status: 0, by: undefined, at: Date.now() }));
    sent.end(body);
  });
}

const answered = (answer: Answer): boolean => answer.status >= 200 && answer.status < 300;

/** The catalog's terminating writes (the log line with terminationStatus) per Port run id, as each replica sent them. */
function terminatingLogs(requests: ProxiedRequest[]): Map<string, number[]> {
  const byRun = new Map<string, number[]>();
  for (const { method, path, body, at } of requests) {
    const match = /^\/v1\/actions\/runs\/([^/]+)\/logs$/.exec(path);
    if (method !== 'POST' || !match || !body.includes('terminationStatus')) continue;
    byRun.set(match[1]!, [...(byRun.get(match[1]!) ?? []), at]);
  }
  return byRun;
}

describe('two App replicas on one PostgreSQL database', () => {
  test('every completion delivered to both replicas, one killed as they go on: each run reported once, none lost', async () => {
    // Runs in progress, linked in Port by externalRunId (as another tool links them): each replica finds the link
    // with a Port lookup, and the App's state decides which one reports.
    const runs: LinkedRun[] = [];
    await inParallel(RUNS, 8, async (i) => {
      const { run } = (await catalog.call('/v1/actions/deploy/runs', { properties: {} })) as { run: { id: string } };
      runs[i] = { runId: run.id, ownerId: 1, repoId: 2, workflowRunId: i + 1 };
    });
    await receiver.waitFor(RUNS, 60_000);
    await linkInPort(catalog, runs);
    const started = Date.now();

    const answers: Answer[][] = runs.map(() => []);
    let completionsAnswered = 0;
    // From the HANG_AFTER-th answer on, B's next writes to Port never arrive: B answers those deliveries when
    // answerWithinMs ran out, its writes still under way, and dies with them once it answered a few. The survivor
    // takes the rows over once B's leases ran out.
    let hungAt: number | undefined;
    let hungAnswered = 0;
    let killedAt: number | undefined;
    let answeredAtKill = 0;
    let killed: Promise<void> | undefined;
    const killBWhenDue = (): void => {
      const due =
        hungAt !== undefined &&
        completionsAnswered >= KILL_AFTER &&
        (hungAnswered >= 3 || Date.now() - hungAt > HUNG_WAIT_MS);
      if (!due || killed) return;
      killedAt = Date.now();
      answeredAtKill = completionsAnswered;
      killed = replicas[B]!.stop('SIGKILL').then(() => undefined);
    };
    const killTimer = setInterval(killBWhenDue, 100);
    /** Delivers, and redelivers to the survivor what got no answer (as GitHub's redelivery would). */
    const deliverUntilAnswered = async (i: number, aim?: number): Promise<Answer> => {
      let sentAt = Date.now();
      let answer = await deliver(runs[i]!, aim);
      answers[i]!.push(answer);
      while (!answered(answer)) {
        sentAt = Date.now();
        answer = await deliver(runs[i]!, A);
        answers[i]!.push(answer);
      }
      if (answer.by === B && hungAt !== undefined && answer.at - sentAt > HUNG_ANSWER_MS) hungAnswered++;
      if (++completionsAnswered === HANG_AFTER) {
        hungAt = Date.now();
        portProxies[B]!.inject({
          method: 'PATCH',
          path: /^\/v1\/actions\/runs\//,
          times: HUNG_WRITES,
          action: { hang: 'before-forwarding' },
        });
      }
      killBWhenDue();
      return answer;
    };
    try {
      await inParallel(RUNS, CONCURRENCY, async (i) => {
        const due = started + (i * 1000) / RUNS_PER_SECOND;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        if (i % 2 === 0) {
          // The balancer's choice, then GitHub's redelivery of it (a new delivery id) to the other replica.
          const first = await deliverUntilAnswered(i);
          await deliverUntilAnswered(i, first.by === A ? B : A);
        } else {
          // Both at once, one to each replica: their claims race.
          await Promise.all([
            deliverUntilAnswered(i, i % 4 === 1 ? A : B),
            deliverUntilAnswered(i, i % 4 === 1 ? B : A),
          ]);
        }
      });
    } finally {
      clearInterval(killTimer);
    }
    const burstEnded = Date.now();
    if (!killed) {
      killedAt = Date.now();
      killed = replicas[B]!.stop('SIGKILL').then(() => undefined);
    }
    await killed;
    const lastAnswer = Math.max(...answers.flat().map((answer) => answer.at));

    // Every run ends; a run B answered for and died with is the survivor's once B's lease ran out.
    const deadline = lastAnswer + LEASE_MS + MARGIN_MS;
    for (;;) {
      const { runs: active } = (await catalog.request('GET', '/v1/actions/runs?action=deploy&active=true&limit=1')) as {
        runs: unknown[];
      };
      if (active.length === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const lost: string[] = [];
    const late: string[] = [];
    const reportedTwice: string[] = [];
    /** How long after the first 2xx answer each run ended (ms). */
    const endedAfter = new Map<string, number>();
    await inParallel(RUNS, 8, async (i) => {
      const { runId } = runs[i]!;
      const { run } = (await catalog.request('GET', `/v1/actions/runs/${runId}`)) as {
        run: { status: string; endedAt: string | null };
      };
      if (run.status !== 'SUCCESS' || !run.endedAt) {
        lost.push(`${runId}: ${run.status}`);
        return;
      }
      const firstAnswered = Math.min(...answers[i]!.filter(answered).map((answer) => answer.at));
      const after = Date.parse(run.endedAt) - firstAnswered;
      endedAfter.set(runId, after);
      if (after > LEASE_MS + MARGIN_MS) late.push(`${runId}: ${after} ms after its delivery was answered`);
      const { runLogs } = (await catalog.request('GET', `/v1/actions/runs/${runId}/logs`)) as {
        runLogs: { terminationStatus?: string }[];
      };
      const terminating = runLogs.filter((log) => log.terminationStatus !== undefined).length;
      if (terminating !== 1) reportedTwice.push(`${runId}: ${terminating} terminating log lines`);
    });

    // What each replica sent: a run both sent its terminating log for is a claim both won, unless B sent it before
    // it was killed and the survivor took the row over after B's lease ran out (Port refuses the repeat).
    const [byA, byB] = portProxies.map((portProxy) => terminatingLogs(portProxy.requests)) as [
      Map<string, number[]>,
      Map<string, number[]>,
    ];
    const sentTwice: string[] = [];
    for (const { runId } of runs) {
      const fromA = byA.get(runId) ?? [];
      const fromB = byB.get(runId) ?? [];
      if (fromA.length > 1 || fromB.length > 1)
        sentTwice.push(`${runId}: ${fromA.length} from A, ${fromB.length} from B`);
      else if (fromA.length === 1 && fromB.length === 1) {
        const tookOver = fromB[0]! < killedAt! && fromA[0]! >= fromB[0]! + LEASE_MS - 1_000;
        if (!tookOver)
          sentTwice.push(`${runId}: from A at ${fromA[0]}, from B at ${fromB[0]} (B killed at ${killedAt})`);
      }
    }
    // The runs whose writes hung at B: claimed by B, reported by A once B's lease ran out.
    const hungRuns = portProxies[B]!.requests.filter((r) => r.fault !== undefined).map((r) => r.path.split('/')[4]!);
    const notTakenOver = hungRuns.filter((runId) => (byA.get(runId) ?? []).length !== 1);
    const takenOverAfter = hungRuns.map((runId) => endedAfter.get(runId) ?? Number.NaN);

    // The App's state is the database's: every run's link there, marked reported.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client
      .query<{ reported: string }>('SELECT count(*) AS reported FROM linked_runs WHERE reported = 1')
      .finally(() => client.end());

    const unanswered = answers.flat().filter((answer) => !answered(answer)).length;
    console.log(
      `two replicas: ${answers.flat().length} deliveries in ${((burstEnded - started) / 1000).toFixed(1)} s ` +
        `(${unanswered} unanswered, redelivered), answered by A ${balancer.answered[A]}, B ${balancer.answered[B]}, ` +
        `${balancer.failovers} failed over; B killed ${((killedAt! - started) / 1000).toFixed(1)} s in, ${answeredAtKill} deliveries answered, ` +
        `having answered ${hungAnswered} deliveries whose writes hung; ${hungRuns.length} runs taken over by A, ` +
        `ended ${takenOverAfter.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} after their first answer ` +
        `(lease ${LEASE_MS / 1000} s)`,
    );
    expect({ lost, late, reportedTwice, sentTwice, notTakenOver }).toEqual({
      lost: [],
      late: [],
      reportedTwice: [],
      sentTwice: [],
      notTakenOver: [],
    });
    // Killed in the first half of the deliveries (0 when only the burst's end killed it).
    expect(answeredAtKill).toBeGreaterThan(0);
    expect(answeredAtKill).toBeLessThan(RUNS);
    expect(hungRuns.length).toBeGreaterThan(0);
    expect(Number(rows[0]!.reported)).toBe(RUNS);
  }, 150_000);
});
