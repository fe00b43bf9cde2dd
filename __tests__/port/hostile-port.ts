import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../helpers/open-resources.ts';

/** How a route of the hostile server answers. */
export type HostileAnswer =
  /** 200 with a JSON body that never ends (chunked, no content-length). */
  | { kind: 'endless' }
  /** 200 announcing `bytes` in content-length, then a few bytes, then nothing until the client hangs up. */
  | { kind: 'announced'; bytes: number }
  /** 200 with a valid `{"ok":true,"entities":[...]}` answer of about `bytes`. */
  | { kind: 'sized'; bytes: number }
  /** 200 with the start of a JSON body, then nothing until the client hangs up. */
  | { kind: 'stalled' }
  /** 401 whose message quotes the request body as sent, JSON escapes included. */
  | { kind: 'echo' }
  /** The catalog's token answer. */
  | { kind: 'token' };

export interface HostileServer {
  url: string;
  close(): Promise<void>;
}

/** Whatever a client does, the server stops writing after this much: the tests' loops stay bounded. */
const SERVER_CAP_BYTES = 1024 * 1024 * 1024;
const ENTITY = '{"identifier":"x","properties":{"text":"' + 'y'.repeat(200) + '"}},';
const CHUNK = Buffer.from(ENTITY.repeat(256));

/**
 * A Port API stand-in on 127.0.0.1 port 0 that answers as `route` says for each method and path: an attacker's, or a
 * broken proxy's, answers that a client must not read without limit.
 */
export async function startHostileServer(
  route: (method: string, path: string) => HostileAnswer,
): Promise<HostileServer> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = route(req.method ?? 'GET', new URL(req.url ?? '/', 'http://hostile').pathname);
    switch (answer.kind) {
      case 'echo': {
        const message = `refused ${Buffer.concat(chunks).toString('utf8')}`;
        res.writeHead(401, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ ok: false, error: 'unauthorized', message }));
      }
      case 'token':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ ok: true, accessToken: 'endless-token', expiresIn: 3600 }));
      case 'stalled':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.write('{"ok":true,');
      case 'announced':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(answer.bytes) });
        return void res.write('{');
      case 'sized': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const count = Math.ceil(answer.bytes / ENTITY.length);
        return void res.end(`{"ok":true,"entities":[${ENTITY.repeat(count).slice(0, -1)}]}`);
      }
      case 'endless':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"ok":true,"entities":[');
        return writeUntilStopped(res);
    }
  });
  return listenOnLoopback(server);
}

/** Writes as fast as the client reads, until it hangs up (or the cap). */
function writeUntilStopped(res: ServerResponse): void {
  let sent = 0;
  const write = (): void => {
    while (sent < SERVER_CAP_BYTES && !res.destroyed) {
      sent += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', write);
    }
    res.end();
  };
  write();
}
