import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../helpers/open-resources.ts';

/** What to do to a request instead of (or after) passing it on. */
export type FaultAction =
  /** Answer this instead of the target. */
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Destroy the connection: before the target saw the request, or after it acted on it (the answer is lost). */
  | { reset: 'before-forwarding' | 'after-forwarding' }
  /** Never answer (the client's timeout has to end it): before or after the target acted. */
  | { hang: 'before-forwarding' | 'after-forwarding' };

export interface Fault {
  method?: string;
  /** Matched against the path without its query string. */
  path: string | RegExp;
  /** How many matching requests it hits; default 1. */
  times?: number;
  action: FaultAction;
}

export interface ProxiedRequest {
  method: string;
  /** Without the query string. */
  path: string;
  /** With the query string. */
  url: string;
  body: string;
  /** When it was received (epoch ms). */
  at: number;
  /** The fault applied to it, if any. */
  fault?: string;
}

export interface FaultProxy {
  url: string;
  /** Every request received, in order. */
  requests: ProxiedRequest[];
  /** The most requests it ever had in flight at once. */
  maxInFlight: number;
  inject(fault: Fault): void;
  /** Forgets faults and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

/** A proxy on 127.0.0.1 port 0 in front of `target` that passes requests on unless a programmed fault hits them. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let faults: Array<Fault & { left: number }> = [];
  let inFlight = 0;
  const proxy: FaultProxy = {
    url: '',
    requests: [],
    maxInFlight: 0,
    inject: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    reset: () => {
      faults = [];
      proxy.requests.length = 0;
      proxy.maxInFlight = 0;
    },
    close: async () => listening.close(),
  };

  const takeFault = (method: string, path: string): Fault | undefined => {
    const fault = faults.find(
      (f) =>
        f.left > 0 &&
        (f.method === undefined || f.method === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    if (fault) fault.left--;
    return fault;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = request.url ?? '/';
    const method = request.method ?? 'GET';
    const path = url.split('?')[0]!;
    const fault = takeFault(method, path);
    proxy.requests.push({ method, path, url, body: body.toString('utf8'), at, fault: fault && describe(fault.action) });
    const action = fault?.action;

    if (action && 'status' in action) {
      response.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
      response.end(JSON.stringify(action.body ?? { ok: false, error: 'injected', message: 'injected fault' }));
      return;
    }
    if (action && 'reset' in action && action.reset === 'before-forwarding') return void request.socket.destroy();
    if (action && 'hang' in action && action.hang === 'before-forwarding') return;

    const forwarded = await forward(target, method, url, request, body);
    if (action && 'reset' in action) return void request.socket.destroy();
    if (action && 'hang' in action) return;
    response.writeHead(forwarded.status, forwarded.headers);
    response.end(forwarded.body);
  };

  const server = createServer((request, response) => {
    inFlight++;
    proxy.maxInFlight = Math.max(proxy.maxInFlight, inFlight);
    response.on('close', () => inFlight--);
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(599, { 'content-type': 'text/plain' });
      response.end(`proxy failed: ${String(error)}`);
    });
  });
  const listening = await listenOnLoopback(server);
  proxy.url = listening.url;
  return proxy;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

async function forward(target: string, method: string, url: string, request: IncomingMessage, body: Buffer) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  const answer = await fetch(target + url, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  });
  const answerHeaders: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') answerHeaders[name] = value;
  });
  return { status: answer.status, headers: answerHeaders, body: Buffer.from(await answer.arrayBuffer()) };
}

function describe(action: FaultAction): string {
  if ('status' in action) return `status ${action.status}`;
  if ('reset' in action) return `reset ${action.reset}`;
  return `hang ${action.hang}`;
}
