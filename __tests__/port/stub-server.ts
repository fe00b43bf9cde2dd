import { createServer } from 'node:http';
import { listenOnLoopback } from '../helpers/open-resources.ts';

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** An answer, or 'reset' to destroy the connection without answering. */
export type StubAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | 'reset';

export interface StubServer {
  url: string;
  /** Every request but the token requests, in order. */
  requests: StubRequest[];
  tokenRequests: number;
  close(): Promise<void>;
}

export const STUB_TOKEN = 'stub-token-never-logged';

/**
 * A tiny Port API stand-in on 127.0.0.1 port 0 for routes the embedded catalog does not serve yet: it hands out
 * STUB_TOKEN, records every other request and answers what `handle` says.
 */
export async function startStubServer(handle: (request: StubRequest) => StubAnswer): Promise<StubServer> {
  const stub: StubServer = {
    url: '',
    requests: [],
    tokenRequests: 0,
    close: async () => listening.close(),
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stub');
    const request = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    let answer: StubAnswer;
    if (request.path === '/v1/auth/access_token') {
      stub.tokenRequests++;
      answer = { status: 200, body: { ok: true, accessToken: STUB_TOKEN, expiresIn: 10800, tokenType: 'Bearer' } };
    } else {
      stub.requests.push(request);
      answer = handle(request);
    }
    if (answer === 'reset') return void req.socket.destroy();
    res.writeHead(answer.status, { 'content-type': 'application/json', 'x-trace-id': 'stub-trace', ...answer.headers });
    res.end(JSON.stringify(answer.body ?? { ok: true }));
  });
  const listening = await listenOnLoopback(server);
  stub.url = listening.url;
  return stub;
}
