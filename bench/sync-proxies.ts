/**
 * The two proxies of the catalog-sync benchmark: one in front of the catalog that counts Port requests and notes
 * when each entity write was answered, and one in front of the fake GitHub that notes when each GitHub request was
 * sent and answered and what it read (a kind, a route), for the time wharf waited on GitHub and the breakdown of its
 * requests.
 */
import { Agent, createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** When a request arrived at a proxy and when its answer was sent back (performance.now()). */
export interface Span {
  started: number;
  answered: number;
}

export interface CountingProxy {
  url: string;
  requests: Array<{ method: string; path: string }>;
  /** When each request was under way. */
  spans: Span[];
  count(): number;
  reset(): void;
  /** Resolves with the time (performance.now) Port answered a write of `identifier` that started after `after`. */
  waitForWrite(identifier: string, after: number, timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

async function listen(handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>) {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A proxy in front of the catalog that counts requests and notes when each entity write was answered. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const requests: Array<{ method: string; path: string }> = [];
  const spans: Span[] = [];
  const writes = new Map<string, { started: number; answered: number }>();
  const { url, close } = await listen(async (request, response) => {
    const started = performance.now();
    const body = await bodyOf(request);
    const path = (request.url ?? '/').split('?')[0]!;
    requests.push({ method: request.method ?? 'GET', path });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
    }
    const answer = await fetch(target + request.url, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
    });
    const text = Buffer.from(await answer.arrayBuffer());
    if (path.includes('/entities') && request.method === 'POST' && answer.status < 300) {
      const sent = JSON.parse(body.toString('utf8') || '{}') as {
        identifier?: string;
        entities?: Array<{ identifier?: string }>;
      };
      const answered = performance.now();
      for (const entity of sent.entities ?? [sent]) {
        if (entity.identifier) writes.set(entity.identifier, { started, answered });
      }
    }
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(text);
    spans.push({ started, answered: performance.now() });
  });
  return {
    url,
    requests,
    spans,
    count: () => requests.length,
    reset: () => {
      requests.length = 0;
      spans.length = 0;
    },
    async waitForWrite(identifier, after, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const write = writes.get(identifier);
        if (write && write.started >= after) return write.answered;
        if (performance.now() > deadline) throw new Error(`no write of ${identifier} within ${timeoutMs} ms`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    close,
  };
}

export interface GithubCall extends Span {
  api: 'graphql' | 'rest';
  /** What it read: `GraphQL WharfKindRepositories pullRequests`, `REST GET /repos/{owner}/{repo}/git/trees/{sha}`. */
  label: string;
}

export interface GithubRecorder {
  url: string;
  calls: GithubCall[];
  reset(): void;
  close(): Promise<void>;
}

/** Connection fields whose presence in a GraphQL query names what it reads, most specific first. */
const GRAPHQL_TOPICS = [
  'pullRequests',
  'issues',
  'vulnerabilityAlerts',
  'membersWithRole',
  'teams',
  'team',
  'releases',
  'refs',
  'object',
];

/** `GraphQL <operation> <topic>` from a query's text. */
function graphqlLabel(body: Buffer): string {
  let query = '';
  try {
    query = String((JSON.parse(body.toString('utf8')) as { query?: unknown }).query ?? '');
  } catch {
    return 'GraphQL (unreadable)';
  }
  const operation = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous';
  const topic = GRAPHQL_TOPICS.find((field) => new RegExp(`\\b${field}\\s*[({]`).test(query));
  return `GraphQL ${operation}${topic ? ` ${topic}` : ''}`;
}

/** A REST path as its route: owner, repository, numbers and shas replaced by names. */
export function restRoute(method: string, rawPath: string): string {
  const path = rawPath.split('?')[0]!.replace(/^\/api\/v3(?=\/)/, '');
  const parts = path.split('/');
  if (parts[1] === 'repos' && parts.length >= 4) {
    parts[2] = '{owner}';
    parts[3] = '{repo}';
    if (parts[4] === 'git' && parts[5] === 'trees') parts.splice(6, parts.length - 6, '{sha}');
    if (parts[4] === 'contents') parts.splice(5, parts.length - 5, '{path}');
  }
  if (parts[1] === 'orgs' && parts.length >= 3) parts[2] = '{org}';
  if (parts[1] === 'orgs' && parts[3] === 'teams' && parts.length >= 5) parts[4] = '{team_slug}';
  if (parts[1] === 'app' && parts[2] === 'installations' && parts.length >= 4) parts[3] = '{installation_id}';
  return `REST ${method} ${parts.map((part) => (/^\d+$/.test(part) ? '{number}' : part)).join('/')}`;
}

/** A proxy in front of the fake GitHub that notes each request's timing and what it read. */
export async function startGithubRecorder(target: string): Promise<GithubRecorder> {
  const calls: GithubCall[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const targetUrl = new URL(target);
  const { url, close } = await listen(async (request, response) => {
    const started = performance.now();
    const body = await bodyOf(request);
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const isGraphql = method === 'POST' && /^\/(api\/)?graphql$/.test(path.split('?')[0]!);
    const headers = { ...request.headers, host: targetUrl.host };
    await new Promise<void>((resolve, reject) => {
      const forward = httpRequest(
        { host: targetUrl.hostname, port: targetUrl.port, method, path, headers, agent },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', resolve);
          answer.on('error', reject);
        },
      );
      forward.on('error', reject);
      forward.end(body);
    });
    calls.push({
      started,
      answered: performance.now(),
      api: isGraphql ? 'graphql' : 'rest',
      label: isGraphql ? graphqlLabel(body) : restRoute(method, path),
    });
  });
  return {
    url,
    calls,
    reset: () => {
      calls.length = 0;
    },
    close: async () => {
      await close();
      agent.destroy();
    },
  };
}

/** Milliseconds within [from, to] during which at least one of `calls` was under way. */
export function busyMilliseconds(calls: readonly Span[], from: number, to: number): number {
  const spans = calls
    .map((call) => [Math.max(from, call.started), Math.min(to, call.answered)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let openStart = Number.NEGATIVE_INFINITY;
  let openEnd = Number.NEGATIVE_INFINITY;
  for (const [start, end] of spans) {
    if (start > openEnd) {
      if (openEnd > openStart) busy += openEnd - openStart;
      openStart = start;
      openEnd = end;
    } else if (end > openEnd) {
      openEnd = end;
    }
  }
  if (openEnd > openStart) busy += openEnd - openStart;
  return busy;
}
