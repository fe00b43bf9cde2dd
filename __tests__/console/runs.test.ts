/**
 * The console's runs (issue 16): the list with its filters and pages, a run's page, and its live stream of
 * server-sent events, read over HTTP as a browser would.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestCatalog, type TestCatalog } from '../helpers/catalog-server.ts';
import { type RunBody, startRun } from '../helpers/runs.ts';
import { ConsoleBrowser, csrfTokenOf, decodeEntities, textOf } from './console-browser.ts';
import { createThroughApi, signedInBrowser } from './console-setup.ts';
import { type EventStream, openEventStream, type ServerSentEvent } from './event-stream.ts';

let catalog: TestCatalog;
let browser: ConsoleBrowser;

/** Nobody claims an integration's runs here, so a run stays in progress until a test ends it. */
const UNCLAIMED = {
  type: 'INTEGRATION_ACTION',
  installationId: 'console-runs',
  integrationProvider: 'GITHUB',
  integrationActionType: 'dispatch_workflow',
  integrationActionExecutionProperties: { workflow: 'deploy.yml' },
};

const DEPLOY = {
  identifier: 'deploy',
  title: 'Deploy',
  trigger: {
    type: 'self-service',
    operation: 'DAY-2',
    blueprintIdentifier: 'service',
    userInputs: {
      properties: {
        version: { type: 'string' },
        replicas: { type: 'number' },
        notes: { type: 'string' },
        config: { type: 'object' },
      },
    },
  },
  invocationMethod: UNCLAIMED,
};
const CREATE_SERVICE = {
  identifier: 'create_service',
  title: 'Create a <b>service</b>',
  trigger: {
    type: 'self-service',
    operation: 'CREATE',
    blueprintIdentifier: 'service',
    userInputs: { properties: {} },
  },
  invocationMethod: UNCLAIMED,
};
/** The runs of the page and stream tests, apart from those the list's tests count. */
const INSPECT = { ...DEPLOY, identifier: 'inspect', title: 'Inspect' };

/** The runs made before the tests, by what the filters pick out. */
const made = { deployApi: [] as string[], deployWeb: [] as string[], create: [] as string[] };
const succeeded: string[] = [];
const failed: string[] = [];

async function run(action: string, body: unknown): Promise<RunBody> {
  const started = await startRun(catalog, action, body);
  if (started.status !== 202) throw new Error(JSON.stringify(started.body));
  return started.run;
}

async function log(runId: string, message: string): Promise<string> {
  const answer = await catalog.api<{ runLog: { id: string } }>('POST', `/v1/actions/runs/${runId}/logs`, { message });
  if (answer.status !== 201) throw new Error(JSON.stringify(answer.body));
  return answer.body.runLog.id;
}

async function patch(runId: string, body: unknown): Promise<void> {
  const answer = await catalog.api('PATCH', `/v1/actions/runs/${runId}`, body);
  if (answer.status !== 200) throw new Error(JSON.stringify(answer.body));
}

/** The API's own list, newest first: the order the console's list must show. */
async function apiRunIds(query = ''): Promise<string[]> {
  const answer = await catalog.api<{ runs: RunBody[] }>('GET', `/v1/actions/runs?limit=1000${query}`);
  return answer.body.runs.map((listed) => listed.id);
}

interface Row {
  id: string;
  status: string;
  text: string;
  html: string;
}

/** The rows of the runs table: each row's run id (its header), status badge and text. */
function rows(html: string): Row[] {
  const body = /<table id="runs"[^>]*>[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row]) => ({
    id: decodeEntities(
      /<th scope="row"><a href="[^"]*"><code class="run-id">([^<]*)<\/code><\/a><\/th>/.exec(row!)![1]!,
    ),
    status: /data-status="([^"]*)"/.exec(row!)![1]!,
    text: textOf(row!),
    html: row!,
  }));
}

function linkHref(html: string, rel: 'next' | 'prev'): string | undefined {
  const match = new RegExp(`<a href="([^"]*)" rel="${rel}">`).exec(html);
  return match ? decodeEntities(match[1]!) : undefined;
}

/** Every run the list shows for a query, page after page, with the number of pages. */
async function allPages(query: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let path: string | undefined = `/console/runs${query}`;
  let pages = 0;
  while (path) {
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    ids.push(...rows(page.html).map((row) => row.id));
    pages += 1;
    path = linkHref(page.html, 'next');
  }
  return { ids, pages };
}

const cookieOf = (who: ConsoleBrowser): string =>
  [...who.cookies].map(([name, value]) => `${name}=${value}`).join('; ');

const eventsOf = (who: ConsoleBrowser, runId: string, headers: Record<string, string> = {}, query = '') =>
  openEventStream(`${catalog.url}/console/runs/${runId}/events${query}`, { cookie: cookieOf(who), ...headers });

const dataOf = <T = Record<string, unknown>>(event: ServerSentEvent): T => JSON.parse(event.data) as T;

beforeAll(async () => {
  catalog = await startTestCatalog();
  browser = await signedInBrowser(catalog);
  await createThroughApi(catalog, '/v1/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: { properties: {} },
  });
  await createThroughApi(catalog, '/v1/blueprints/service/entities', { identifier: 'api', title: 'API' });
  await createThroughApi(catalog, '/v1/blueprints/service/entities', { identifier: 'web', title: 'Web <b>app</b>' });
  for (const action of [DEPLOY, CREATE_SERVICE, INSPECT]) await createThroughApi(catalog, '/v1/actions', action);
  // Interleaved, so that every page of the list holds runs of both entities and actions.
  for (let index = 0; index < 30; index++) {
    made.deployApi.push((await run('deploy', { entity: 'api', properties: { version: `1.${index}` } })).id);
    if (index < 25)
      made.deployWeb.push((await run('deploy', { entity: 'web', properties: { version: `2.${index}` } })).id);
    if (index % 10 === 0) made.create.push((await run('create_service', {})).id);
  }
  for (const id of [made.deployApi[3]!, made.deployWeb[7]!, made.create[1]!, made.deployApi[29]!]) {
    await patch(id, { status: 'SUCCESS' });
    succeeded.push(id);
  }
  for (const id of [made.deployApi[5]!, made.deployWeb[20]!]) {
    await patch(id, { status: 'FAILURE', statusLabel: 'Broke' });
    failed.push(id);
  }
});

afterAll(async () => {
  await catalog.close();
});

describe('the runs list', () => {
  test('shows every run newest first, page after page, in the order the API lists them', async () => {
    const expected = await apiRunIds();
    expect(expected.length).toBe(58);
    const first = await browser.get('/console/runs');
    expect(first.status).toBe(200);
    expect(rows(first.html).map((row) => row.id)).toEqual(expected.slice(0, 50));
    expect(first.html).not.toContain('rel="prev"');

    const { ids, pages } = await allPages('');
    expect(pages).toBe(2);
    expect(ids).toEqual(expected);

    // Back from the second page: the first page again, the same rows.
    const second = await browser.get(linkHref(first.html, 'next')!);
    expect(rows(second.html).map((row) => row.id)).toEqual(expected.slice(50));
    const back = await browser.get(linkHref(second.html, 'prev')!);
    expect(rows(back.html).map((row) => row.id)).toEqual(expected.slice(0, 50));
    expect(back.html).not.toContain('rel="prev"');
  });

  test('a page keeps its rows when newer runs are started meanwhile (keyset, not offset)', async () => {
    const first = await browser.get('/console/runs?action=deploy');
    const next = linkHref(first.html, 'next')!;
    const before = rows((await browser.get(next)).html).map((row) => row.id);
    const extra = await run('deploy', { entity: 'api', properties: {} });
    try {
      expect(rows((await browser.get(next)).html).map((row) => row.id)).toEqual(before);
    } finally {
      await patch(extra.id, { status: 'FAILURE' });
      failed.push(extra.id);
      made.deployApi.push(extra.id);
    }
  });

  test('each row links its run, its entity, and says its status in words', async () => {
    const page = await browser.get(`/console/runs?entity=web`);
    const row = rows(page.html).find((candidate) => candidate.id === made.deployWeb[20])!;
    expect(row.html).toContain(`<a href="/console/runs/${made.deployWeb[20]}">`);
    expect(row.html).toContain('<a href="/console/blueprints/service/entities/web">Web &lt;b&gt;app&lt;/b&gt;');
    expect(row.status).toBe('FAILURE');
    expect(row.text).toContain('Failed');
    expect(row.text).toContain('Broke');
    expect(row.html).toMatch(/<time datetime="[^"]+">/);
  });

  test.each([
    ['the action', '?action=create_service', () => made.create],
    ['the entity', '?entity=web', () => made.deployWeb],
    ['the status', '?status=SUCCESS', () => succeeded],
    ['the status (failed)', '?status=FAILURE', () => failed],
    [
      'action, status and entity together',
      '?action=deploy&status=FAILURE&entity=api',
      () => failed.filter((id) => made.deployApi.includes(id)),
    ],
    ['the action, over two pages', '?action=deploy&blueprint=service', () => [...made.deployApi, ...made.deployWeb]],
  ])('narrows to %s', async (_name, query, expected) => {
    const { ids } = await allPages(query);
    expect(new Set(ids)).toEqual(new Set(expected()));
    expect(ids.length).toBe(expected().length);
    // Still newest first: the API's order of the same runs.
    const order = await apiRunIds();
    expect(ids).toEqual(order.filter((id) => ids.includes(id)));
  });

  test("the form shows the filter it applied, with the catalog's actions to choose from", async () => {
    const page = await browser.get('/console/runs?action=deploy&status=SUCCESS&entity=api');
    expect(page.html).toContain('<label for="filter-action">Action</label>');
    expect(page.html).toContain('<option value="deploy" selected>Deploy</option>');
    expect(page.html).toContain('<option value="create_service">Create a &lt;b&gt;service&lt;/b&gt;</option>');
    expect(page.html).toContain('<option value="SUCCESS" selected>Succeeded</option>');
    expect(page.html).toContain('<input id="filter-entity" name="entity" value="api">');
    expect(rows(page.html).map((row) => row.id)).toEqual(
      [made.deployApi[29]!, made.deployApi[3]!].filter((id) => succeeded.includes(id)),
    );
  });

  test('says so when nothing matches', async () => {
    const page = await browser.get('/console/runs?entity=nothing-here');
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('No run matches the filter.');
    expect(page.html).not.toContain('<table id="runs"');
  });

  test('refuses an unknown status with 422 and a message beside the field', async () => {
    const page = await browser.get('/console/runs?status=DONE');
    expect(page.status).toBe(422);
    expect(page.html).toContain('aria-invalid="true" aria-describedby="status-problem"');
    expect(textOf(/<span[^>]*id="status-problem">[\s\S]*?<\/span>/.exec(page.html)![0])).toContain(
      '"DONE" is not a run status',
    );
    expect(page.html).not.toContain('<table id="runs"');
  });

  test('hostile filter values are escaped, and a huge one is cut rather than searched', async () => {
    const script = encodeURIComponent('<script>alert(1)</script>');
    const refused = await browser.get(`/console/runs?status=${script}&entity=${script}`);
    expect(refused.status).toBe(422);
    expect(refused.html).not.toContain('<script>alert(1)');
    expect(refused.html).toContain('&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; is not a run status');

    const huge = await browser.get(`/console/runs?entity=${'x'.repeat(8_000)}&action=${'y'.repeat(8_000)}`);
    expect(huge.status).toBe(200);
    expect(textOf(huge.html)).toContain('No run matches the filter.');
    expect(huge.html).toContain(`value="${'x'.repeat(1_000)}"`);
    expect(huge.html).not.toContain('x'.repeat(1_001));
  });

  test('a page starting at a run the catalog does not have is refused, with the way to the newest runs', async () => {
    const page = await browser.get('/console/runs?before=r_nothing&action=deploy');
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain('The page started at run "r_nothing", which is not in the catalog.');
    expect(page.html).toContain('<a href="/console/runs?action=deploy">The newest runs</a>');
  });
});

describe("a run's page", () => {
  let ended: RunBody;
  let logIds: string[];

  beforeAll(async () => {
    ended = await run('inspect', {
      entity: 'web',
      properties: { version: '1.2.3', replicas: 2, notes: 'line one\n<b>line two</b>', config: { a: [1, 2] } },
    });
    logIds = [
      await log(ended.id, 'Starting <script>alert(1)</script>'),
      await log(ended.id, 'two lines:\n  indented'),
      await log(ended.id, 'x'.repeat(50_000)),
    ];
    await patch(ended.id, {
      status: 'SUCCESS',
      statusLabel: 'Deployed <i>ok</i>',
      summary: '**Done** <script>alert(2)</script> [docs](https://docs.example/a) [bad](javascript:alert(3))',
      link: ['https://ci.example/run/1?x=1&y=2', 'javascript:alert(4)', 'ftp://files.example/x'],
    });
  });

  test('shows the status as a badge, the label, the action, the entity and the times', async () => {
    const page = await browser.get(`/console/runs/${ended.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(
      '<span id="run-status" class="badge status-success" data-status="SUCCESS">Succeeded</span>',
    );
    expect(page.html).toContain('<span id="run-status-label">Deployed &lt;i&gt;ok&lt;/i&gt;</span>');
    expect(page.html).toContain('<a href="/console/blueprints/service/entities/web">Web &lt;b&gt;app&lt;/b&gt;');
    expect(textOf(page.html)).toContain('Inspect (inspect)');
    expect(page.html).toMatch(/<span id="run-ended"><time datetime="\d{4}-[^"]+">/);
    expect(textOf(page.html)).toContain(`by ${catalog.credentials.clientId}`);
    // Ended: nothing to follow, no Reload hint.
    expect(page.html).not.toContain('data-events-url');
    expect(page.html).not.toContain('id="run-reload"');
  });

  test("renders the summary as sanitized markdown, and no script of a run's text reaches the page", async () => {
    const page = await browser.get(`/console/runs/${ended.id}`);
    const summary = /<div id="run-summary">([\s\S]*?)<\/div><\/div>/.exec(page.html)![1]!;
    expect(summary).toContain('<strong>Done</strong>');
    expect(summary).toContain('<a href="https://docs.example/a" rel="noopener noreferrer nofollow">docs</a>');
    expect(summary).not.toMatch(/javascript:/i);
    // The page's only scripts are the console's own files.
    const scripts = page.html.match(/<script\b[^>]*>/g);
    expect(scripts).toEqual([
      '<script src="/console/assets/console.js" defer>',
      '<script src="/console/assets/run-live.js" defer>',
    ]);
    expect(page.html).toContain('Starting &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test("makes only http(s) links of the run's links", async () => {
    const page = await browser.get(`/console/runs/${ended.id}`);
    const links = /<div id="run-links">([\s\S]*?)<\/div>/.exec(page.html)![1]!;
    expect(links).toContain('<a href="https://ci.example/run/1?x=1&amp;y=2" rel="noopener noreferrer">');
    expect(links).toContain('<li>javascript:alert(4) <span class="muted">(not a web address)</span></li>');
    expect(links).toContain('<li>ftp://files.example/x <span class="muted">(not a web address)</span></li>');
    // Every address on the page is the web's, the console's own, or the skip link's.
    expect(page.html.match(/href="(?!https?:|\/|#main")[^"]*"/g)).toBeNull();
  });

  test('lists the inputs, text as text and anything else as JSON', async () => {
    const page = await browser.get(`/console/runs/${ended.id}`);
    const inputs = /<dl class="properties" id="run-inputs">([\s\S]*?)<\/dl>/.exec(page.html)![1]!;
    expect(inputs).toContain('<dt>version</dt>\n<dd><span class="input-text">1.2.3</span></dd>');
    expect(inputs).toContain('<dt>replicas</dt>\n<dd><code>2</code></dd>');
    expect(inputs).toContain('<dd><span class="input-text">line one\n&lt;b&gt;line two&lt;/b&gt;</span></dd>');
    expect(inputs).toContain('<code>{&quot;a&quot;:[1,2]}</code>');
  });

  test('shows the log as a live region, each line with its time, a huge line cut', async () => {
    const page = await browser.get(`/console/runs/${ended.id}`);
    expect(page.html).toContain('<div id="run-log" class="run-log" role="log" aria-live="polite"');
    const lines = [
      ...page.html.matchAll(
        /<li data-log-id="(\d+)"><time datetime="[^"]+">[^<]*<\/time> <span class="log-message">([^<]*)<\/span><\/li>/g,
      ),
    ];
    expect(lines.map((line) => line[1])).toEqual(logIds);
    expect(decodeEntities(lines[1]![2]!)).toBe('two lines:\n  indented');
    expect(lines[2]![2]).toBe(`${'x'.repeat(10_000)}… (40,000 more characters)`);
  });

  test('shows the lines after a given one, and refuses an id that is not one', async () => {
    const page = await browser.get(`/console/runs/${ended.id}?after=${logIds[0]}`);
    expect([...page.html.matchAll(/<li data-log-id="(\d+)">/g)].map((line) => line[1])).toEqual(logIds.slice(1));
    expect(page.html).toContain(`<a href="/console/runs/${ended.id}">From the first line</a>`);
    const refused = await browser.get(`/console/runs/${ended.id}?after=1%20OR%201`);
    expect(refused.status).toBe(422);
    expect(textOf(refused.html)).toContain('after must be the id of a log line');
  });

  test('a long log is paged: a thousand lines, then "Later lines"; the stream starts after the last one shown', async () => {
    const long = await run('inspect', { entity: 'api', properties: {} });
    const ids: string[] = [];
    for (let index = 0; index < 1_003; index++) ids.push(await log(long.id, `line ${index}`));
    const page = await browser.get(`/console/runs/${long.id}`);
    const shown = [...page.html.matchAll(/<li data-log-id="(\d+)">/g)].map((line) => line[1]);
    expect(shown).toEqual(ids.slice(0, 1_000));
    expect(page.html).toContain(`data-last-log-id="${ids[999]}"`);
    const later = /<a href="([^"]*)" rel="next">Later lines<\/a>/.exec(page.html)![1]!;
    expect(decodeEntities(later)).toBe(`/console/runs/${long.id}?after=${ids[999]}`);
    const rest = await browser.get(decodeEntities(later));
    expect([...rest.html.matchAll(/<li data-log-id="(\d+)">/g)].map((line) => line[1])).toEqual(ids.slice(1_000));
    expect(rest.html).not.toContain('rel="next"');
    await patch(long.id, { status: 'SUCCESS' });
  });

  test("a run in progress carries its stream's address and last line, and a Reload link", async () => {
    const live = await run('inspect', { entity: 'api', properties: {} });
    const lastId = await log(live.id, 'first');
    const page = await browser.get(`/console/runs/${live.id}`);
    expect(page.html).toContain(`data-events-url="/console/runs/${live.id}/events" data-last-log-id="${lastId}"`);
    expect(page.html).toContain(`<a href="/console/runs/${live.id}">Reload</a>`);
    expect(page.html).toContain(
      '<span id="run-status" class="badge status-in-progress" data-status="IN_PROGRESS">In progress</span>',
    );
    expect(textOf(page.html)).toContain('No summary.');
    await patch(live.id, { status: 'FAILURE' });
  });

  test("an unknown run is the console's 404 page, its id escaped", async () => {
    const missing = await browser.get('/console/runs/r_nothing');
    expect(missing.status).toBe(404);
    expect(textOf(missing.html)).toContain('run "r_nothing" not found');
    const hostile = await browser.get(`/console/runs/${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(hostile.status).toBe(404);
    expect(hostile.html).not.toContain('<script>alert(1)');
    expect(hostile.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe("a run's live events", () => {
  const open: EventStream[] = [];
  const follow = async (...args: Parameters<typeof eventsOf>): Promise<EventStream> => {
    const stream = await eventsOf(...args);
    open.push(stream);
    return stream;
  };
  afterAll(() => {
    for (const stream of open) stream.close();
  });

  test("delivers the lines written after it opened, in order, the run's changes, then end, and closes", async () => {
    const live = await run('inspect', { entity: 'api', properties: {} });
    const seen = await log(live.id, 'before the page');
    const stream = await follow(browser, live.id, {}, `?after=${seen}`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('content-security-policy')).toContain("default-src 'none'");

    // First the run as it is now.
    const first = await stream.next();
    expect(first).not.toBe('closed');
    expect((first as ServerSentEvent).event).toBe('run');
    expect(dataOf(first as ServerSentEvent)).toMatchObject({ status: 'IN_PROGRESS', ended: false });

    const written = ['one', 'two <script>alert(1)</script>', 'three\nfour\r\nevent: end\ndata: {}'];
    const ids: string[] = [];
    for (const message of written) ids.push(await log(live.id, message));
    await patch(live.id, { statusLabel: 'Halfway' });
    const lines = await stream.until('run');
    expect(lines.filter((event) => event.event === 'log').map((event) => dataOf(event).message)).toEqual(written);
    expect(lines.filter((event) => event.event === 'log').map((event) => event.id)).toEqual(ids);
    expect(lines.filter((event) => event.event === 'log').map((event) => dataOf(event).id)).toEqual(ids);
    const halfway = dataOf<{ parts: Record<string, string> }>(lines.at(-1)!);
    expect(halfway.parts['run-status-label']).toBe('<span id="run-status-label">Halfway</span>');

    await patch(live.id, {
      status: 'SUCCESS',
      summary: '**Shipped** <script>alert(2)</script>',
      link: 'https://ci.example/1',
    });
    const rest = await stream.rest();
    expect(rest.map((event) => event.event)).toEqual(['run', 'end']);
    const final = dataOf<{ status: string; ended: boolean; parts: Record<string, string> }>(rest[0]!);
    expect(final).toMatchObject({ status: 'SUCCESS', ended: true });
    expect(final.parts['run-status']).toContain('data-status="SUCCESS">Succeeded</span>');
    expect(final.parts['run-summary']).toContain('<strong>Shipped</strong>');
    expect(final.parts['run-summary']).not.toContain('<script');
    expect(final.parts['run-links']).toContain('<a href="https://ci.example/1" rel="noopener noreferrer">');
    expect(dataOf(rest[1]!)).toEqual({ status: 'SUCCESS' });
    expect(await stream.next()).toBe('closed');
  });

  test('Last-Event-ID resumes after the line given; ?after does when there is none', async () => {
    const done = await run('inspect', { entity: 'api', properties: {} });
    const ids = [await log(done.id, 'a'), await log(done.id, 'b'), await log(done.id, 'c')];
    await patch(done.id, { status: 'FAILURE' });

    const resumed = await (await follow(browser, done.id, { 'last-event-id': ids[0]! }, `?after=${ids[1]}`)).rest();
    expect(resumed.map((event) => [event.event, event.id])).toEqual([
      ['log', ids[1]],
      ['log', ids[2]],
      ['run', undefined],
      ['end', undefined],
    ]);
    const after = await (await follow(browser, done.id, {}, `?after=${ids[1]}`)).rest();
    expect(after.filter((event) => event.event === 'log').map((event) => dataOf(event).message)).toEqual(['c']);
    const all = await (await follow(browser, done.id)).rest();
    expect(all.filter((event) => event.event === 'log').map((event) => dataOf(event).message)).toEqual(['a', 'b', 'c']);
  });

  test('a Last-Event-ID that is not a line id is refused (422)', async () => {
    const stream = await follow(browser, made.deployApi[0]!, { 'last-event-id': '1; DROP TABLE runs' });
    expect(stream.status).toBe(422);
    expect(await stream.text()).toContain('Last-Event-ID must be the id of a log line');
  });

  test('signed out, the page goes to the sign-in page (303) and the stream is refused (401)', async () => {
    const stranger = new ConsoleBrowser(catalog.url);
    const page = await stranger.get(`/console/runs/${made.deployApi[0]}`);
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/console/sign-in?next=${encodeURIComponent(`/console/runs/${made.deployApi[0]}`)}`);
    const stream = await follow(stranger, made.deployApi[0]!);
    expect(stream.status).toBe(401);
    expect(stream.headers.get('content-type')).toContain('text/html');
  });

  test("signing out closes the session's open streams", async () => {
    const person = await signedInBrowser(catalog);
    const stream = await follow(person, made.deployApi[1]!);
    expect((await stream.next()) as ServerSentEvent).toMatchObject({ event: 'run' });
    const page = await person.get('/console/runs');
    expect((await person.post('/console/sign-out', { _csrf: csrfTokenOf(page.html) })).status).toBe(303);
    expect(await stream.next(3_000)).toBe('closed');
  });

  test("an unknown run's stream is 404", async () => {
    const stream = await follow(browser, 'r_nothing');
    expect(stream.status).toBe(404);
    expect(await stream.text()).toContain('run &quot;r_nothing&quot; not found');
  });

  test('at most 64 streams are open at once: the next is refused (429) until one closes', async () => {
    const runId = made.deployWeb[0]!;
    const streams = await Promise.all(Array.from({ length: 64 }, () => follow(browser, runId)));
    expect(streams.map((stream) => stream.status)).toEqual(Array(64).fill(200));
    const refused = await follow(browser, runId);
    expect(refused.status).toBe(429);
    expect(textOf(await refused.text())).toContain('Too many live views are open on this server');

    streams[0]!.close();
    let reopened: EventStream | undefined;
    for (let attempt = 0; attempt < 40 && reopened?.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      reopened = await follow(browser, runId);
    }
    expect(reopened?.status).toBe(200);
    for (const stream of streams) stream.close();
  });
});

test('stopping the server ends the open streams instead of waiting for their runs', async () => {
  const other = await startTestCatalog();
  let closed = false;
  try {
    const person = await signedInBrowser(other);
    await createThroughApi(other, '/v1/blueprints', {
      identifier: 'service',
      title: 'Service',
      schema: { properties: {} },
    });
    await createThroughApi(other, '/v1/actions', CREATE_SERVICE);
    const started = await startRun(other, 'create_service', {});
    const stream = await openEventStream(`${other.url}/console/runs/${started.run.id}/events`, {
      cookie: cookieOf(person),
    });
    expect((await stream.next()) as ServerSentEvent).toMatchObject({ event: 'run' });
    const closing = other.close();
    closed = true;
    expect(await stream.next(3_000)).toBe('closed');
    await closing;
  } finally {
    if (!closed) await other.close();
  }
});
