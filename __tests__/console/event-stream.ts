/** Server-sent events read over fetch, as EventSource would read them, with a deadline on every wait. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string | undefined;
}

export interface EventStream {
  status: number;
  headers: Headers;
  /** The next event; 'closed' once the server ended the stream. Fails after `timeoutMs` instead of waiting on. */
  next(timeoutMs?: number): Promise<ServerSentEvent | 'closed'>;
  /** Every event until the server ends the stream. */
  rest(timeoutMs?: number): Promise<ServerSentEvent[]>;
  /** Events until one named `name` (included). */
  until(name: string, timeoutMs?: number): Promise<ServerSentEvent[]>;
  /** The response's body when it is not a stream (a refusal). */
  text(): Promise<string>;
  close(): void;
}

/** Opens a stream; `headers` carries the session cookie and, for a reconnection, Last-Event-ID. */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
    redirect: 'manual',
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;

  /** The text of one event block (up to a blank line), or undefined at the end of the stream. */
  async function nextBlock(): Promise<string | undefined> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return block;
      }
      if (ended) return undefined;
      const chunk = await reader.read();
      if (chunk.done) ended = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  }

  async function nextEvent(): Promise<ServerSentEvent | 'closed'> {
    for (;;) {
      const block = await nextBlock();
      if (block === undefined) return 'closed';
      const fields = block.split('\n').filter((line) => line !== '' && !line.startsWith(':'));
      // A block of only comments (heartbeats) or only a `retry:` is not an event.
      if (!fields.some((line) => line.startsWith('data:'))) continue;
      const field = (name: string) =>
        fields.filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1).trimStart());
      return { event: field('event')[0] ?? 'message', data: field('data').join('\n'), id: field('id')[0] };
    }
  }

  const next = (timeoutMs = 5_000): Promise<ServerSentEvent | 'closed'> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no event from ${url} within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([nextEvent(), deadline]).finally(() => clearTimeout(timer));
  };

  async function collect(stop: (event: ServerSentEvent) => boolean, timeoutMs: number): Promise<ServerSentEvent[]> {
    const events: ServerSentEvent[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await next(Math.max(1, deadline - Date.now()));
      if (event === 'closed') return events;
      events.push(event);
      if (stop(event)) return events;
    }
  }

  return {
    status: response.status,
    headers: response.headers,
    next,
    rest: (timeoutMs = 5_000) => collect(() => false, timeoutMs),
    until: (name, timeoutMs = 5_000) => collect((event) => event.event === name, timeoutMs),
    text: async () => {
      let text = '';
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return text + decoder.decode();
        text += decoder.decode(chunk.value, { stream: true });
      }
    },
    close: () => abort.abort(),
  };
}
