import { afterEach, describe, expect, test } from '@jest/globals';
import { createServer, request } from 'node:http';
import { listenOnLoopback } from './open-resources.ts';
import { AIM_HEADER, ANSWERED_BY_HEADER, type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.ts';

interface Upstream {
  url: string;
  received: { name: string; body: string; signature: string | undefined }[];
  close(): Promise<void>;
}

/** An upstream that records what it received and answers its name with the body it read. */
async function startUpstream(name: string): Promise<Upstream> {
  const received: Upstream['received'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = request.headers['x-hub-signature-256'];
      received.push({ name, body, signature: typeof signature === 'string' ? signature : undefined });
      response.writeHead(202, { 'content-type': 'text/plain', 'x-upstream': name });
      response.end(`${name}:${body}`);
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, received, close };
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; by: string | null }> {
  const response = await fetch(`${url}/api/github/webhooks`, { method: 'POST', body, headers });
  return { status: response.status, text: await response.text(), by: response.headers.get(ANSWERED_BY_HEADER) };
}

describe('the round-robin proxy', () => {
  const opened: { close(): Promise<void> }[] = [];
  const open = <T extends { close(): Promise<void> }>(resource: T): T => (opened.push(resource), resource);
  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close();
  });

  const threeUpstreams = async (): Promise<{ upstreams: Upstream[]; proxy: RoundRobinProxy }> => {
    const upstreams = [open(await startUpstream('a')), open(await startUpstream('b')), open(await startUpstream('c'))];
    const proxy = open(await startRoundRobinProxy(upstreams.map((upstream) => upstream.url)));
    return { upstreams, proxy };
  };

  test('sends each request to the next upstream in turn, with its headers and body', async () => {
    const { upstreams, proxy } = await threeUpstreams();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await post(proxy.url, `body ${i}`, { 'x-hub-signature-256': `sig${i}` }));
    expect(answers.map(({ text }) => text)).toEqual([
      'a:body 0',
      'b:body 1',
      'c:body 2',
      'a:body 3',
      'b:body 4',
      'c:body 5',
    ]);
    expect(answers.map(({ status, by }) => [status, by])).toEqual(
      [0, 1, 2, 0, 1, 2].map((index) => [202, String(index)]),
    );
    expect(upstreams[1]!.received).toEqual([
      { name: 'b', body: 'body 1', signature: 'sig1' },
      { name: 'b', body: 'body 4', signature: 'sig4' },
    ]);
    expect(proxy.answered).toEqual([2, 2, 2]);
  });

  test('streams a body sent in chunks', async () => {
    const { proxy } = await threeUpstreams();
    const parts = ['{"a":', '1,', '"b":2}'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    });
    const response = await fetch(proxy.url, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(await response.text()).toBe('a:{"a":1,"b":2}');
  });

  test('passes a body on as it arrives, not once it ended', async () => {
    let firstChunk!: () => void;
    const arrived = new Promise<void>((resolve) => (firstChunk = resolve));
    const upstream = open(
      await listenOnLoopback(
        createServer((request, response) => {
          let body = '';
          request.setEncoding('utf8').on('data', (chunk: string) => ((body += chunk), firstChunk()));
          request.on('end', () => response.end(body));
        }),
      ),
    );
    const proxy = open(await startRoundRobinProxy([upstream.url]));
    const answer = new Promise<string>((resolve, reject) => {
      const sent = request(proxy.url, { method: 'POST' }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      });
      sent.on('error', reject);
      sent.write('first,');
      // The rest only once the upstream got the first part through the proxy.
      void arrived.then(() => sent.end('rest'));
    });
    expect(await answer).toBe('first,rest');
  });

  test('aims a request by header or the next one by aim(), without moving the rotation', async () => {
    const { proxy } = await threeUpstreams();
    expect((await post(proxy.url, 'x', { [AIM_HEADER]: '2' })).text).toBe('c:x');
    expect((await post(proxy.url, 'y', { [AIM_HEADER]: '2' })).text).toBe('c:y');
    proxy.aim(1);
    expect((await post(proxy.url, 'z')).text).toBe('b:z');
    expect((await post(proxy.url, 'r')).text).toBe('a:r');
    expect((await post(proxy.url, 's')).text).toBe('b:s');
    expect((await post(proxy.url, 'bad', { [AIM_HEADER]: '3' })).status).toBe(400);
  });

  test('passes over an upstream that refuses the connection, aimed at or not', async () => {
    const { upstreams, proxy } = await threeUpstreams();
    await upstreams[1]!.close();
    const texts = [];
    for (let i = 0; i < 4; i++) texts.push((await post(proxy.url, String(i))).text);
    expect(texts).toEqual(['a:0', 'c:1', 'c:2', 'a:3']);
    expect((await post(proxy.url, 'aimed', { [AIM_HEADER]: '1' })).text).toBe('c:aimed');
    expect(proxy.failovers).toBe(2);
  });

  test('answers 502 when no upstream takes the request', async () => {
    const upstream = await startUpstream('only');
    const proxy = open(await startRoundRobinProxy([upstream.url]));
    await upstream.close();
    const answer = await post(proxy.url, 'x');
    expect(answer.status).toBe(502);
    expect(answer.text).toMatch(/ECONNREFUSED/);
  });
});
