import { Agent, type ClientRequest, createServer, type IncomingMessage, request as httpRequest } from 'node:http';
import { listenOnLoopback } from './open-resources.ts';

/** A request header that aims one request at an upstream (its index), removed before the request is passed on. */
export const AIM_HEADER = 'x-round-robin-upstream';
/** The response header saying which upstream (its index) answered. */
export const ANSWERED_BY_HEADER = 'x-round-robin-answered-by';

export interface RoundRobinProxy {
  url: string;
  /** Sends the next request that is not aimed by AIM_HEADER to upstream `index`; the rotation then goes on. */
  aim(index: number): void;
  /** Requests answered by each upstream, by index. */
  readonly answered: number[];
  /** Requests passed on to another upstream because theirs refused the connection. */
  readonly failovers: number;
  close(): Promise<void>;
}

/** Headers that belong to one connection, not to the request or answer passed on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  AIM_HEADER,
]);

/** Errors that mean the upstream never saw the request: nobody listens there (a killed replica) or it is gone. */
const NOT_REACHED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A load balancer on 127.0.0.1 port 0 in front of `upstreams` (base URLs): each request goes to the next upstream
 * in turn (or to the one AIM_HEADER or aim() names), bodies streamed both ways, headers kept (signatures and
 * delivery ids included). An upstream that refuses the connection (its process died) is passed over for the next
 * one, as a balancer whose health checks took it out would; one that fails after taking the request is not (the
 * client gets 502, as GitHub would see a delivery go unanswered). Bodies are kept while a request lasts (a test's).
 */
export async function startRoundRobinProxy(upstreams: string[]): Promise<RoundRobinProxy> {
  if (upstreams.length === 0) throw new Error('a round-robin proxy needs at least one upstream');
  const targets = upstreams.map((upstream) => new URL(upstream));
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let turn = 0;
  let aimed: number | undefined;
  let failovers = 0;
  const answered = targets.map(() => 0);

  const chooseUpstream = (request: IncomingMessage): number => {
    const header = request.headers[AIM_HEADER];
    if (typeof header === 'string') return checkedIndex(Number(header), targets.length);
    if (aimed !== undefined) {
      const index = aimed;
      aimed = undefined;
      return index;
    }
    const index = turn;
    turn = (turn + 1) % targets.length;
    return index;
  };

  const headersFor = (request: IncomingMessage, target: URL): Record<string, string | string[]> => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers.host = target.host;
    return headers;
  };

  const server = createServer((request, response) => {
    let first: number;
    try {
      first = chooseUpstream(request);
    } catch (error) {
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end((error as Error).message);
      return;
    }
    // The body streams to the upstream as it arrives, and is kept, so that an attempt that never reached an
    // upstream can be made again with all of it.
    const chunks: Buffer[] = [];
    let ended = false;
    let current: ClientRequest | undefined;
    request.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      current?.write(chunk);
    });
    request.on('end', () => {
      ended = true;
      current?.end();
    });
    // A client that went away takes its request with it.
    response.on('close', () => {
      if (!response.writableFinished) current?.destroy();
    });

    /** Passes the request on to upstream `index`; to the next ones while each refuses the connection. */
    const attempt = (index: number, tried: number, retriedReset: boolean): void => {
      const target = targets[index]!;
      const upstream = httpRequest(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: headersFor(request, target),
          agent,
        },
        (answer) => {
          answered[index]!++;
          const headers: Record<string, string | string[]> = { [ANSWERED_BY_HEADER]: String(index) };
          for (const [name, value] of Object.entries(answer.headers)) {
            if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
          }
          response.writeHead(answer.statusCode ?? 502, headers);
          answer.pipe(response);
          answer.on('error', () => response.destroy());
        },
      );
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (current === upstream) current = undefined;
        if (response.headersSent) return void response.destroy();
        const code = error.code ?? '';
        if (NOT_REACHED.has(code) && tried + 1 < targets.length) {
          failovers++;
          return attempt((index + 1) % targets.length, tried + 1, retriedReset);
        }
        // A kept-alive connection the upstream closed as it was reused: the request never got there.
        if (code === 'ECONNRESET' && upstream.reusedSocket && !retriedReset) return attempt(index, tried, true);
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`upstream ${index} failed: ${code || error.message}`);
      });
      // Nothing is sent before a connection is made: a refused one can go elsewhere with the whole request.
      const send = (): void => {
        for (const chunk of chunks) upstream.write(chunk);
        if (ended) upstream.end();
        else current = upstream;
      };
      upstream.on('socket', (socket) => {
        if (socket.connecting) socket.once('connect', send);
        else send();
      });
    };
    attempt(first, 0, false);
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    aim: (index) => {
      aimed = checkedIndex(index, targets.length);
    },
    answered,
    get failovers() {
      return failovers;
    },
    close: async () => {
      await listening.close();
      agent.destroy();
    },
  };
}

function checkedIndex(index: number, count: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`no upstream ${index}: there are ${count} (0 to ${count - 1})`);
  }
  return index;
}
