// A tiny HTTP client for the mock's tests: node:http without keep-alive, so every test leaves
// no sockets behind, and timestamps taken as bytes arrive.
import { request, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface PlainResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export function httpRequest(url: string, method: string, body?: string): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function postChat(base: string, body: unknown): Promise<PlainResponse> {
  return httpRequest(base + '/v1/chat/completions', 'POST', typeof body === 'string' ? body : JSON.stringify(body));
}

export interface StreamResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** Payloads of every `data:` event, in order. */
  events: string[];
  /** Content of each content-bearing delta. */
  tokens: string[];
  /** From send to the first content token, ms. */
  ttftMs: number | null;
  /** True when the client hung up before the end. */
  aborted: boolean;
}

/** Streams a chat completion; with `abortAfterTokens`, destroys the socket after that many tokens. */
export function streamChat(base: string, body: Record<string, unknown>, abortAfterTokens?: number): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    const result: StreamResult = { status: 0, headers: {}, events: [], tokens: [], ttftMs: null, aborted: false };
    const req = request(base + '/v1/chat/completions', { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      result.status = res.statusCode ?? 0;
      result.headers = res.headers;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith('data: ')) continue;
          const data = event.slice(6);
          result.events.push(data);
          if (data === '[DONE]') continue;
          const parsed = JSON.parse(data) as { choices: Array<{ delta: { content?: string } }> };
          const content = parsed.choices[0]?.delta.content;
          if (content) {
            result.ttftMs ??= performance.now() - sentAt;
            result.tokens.push(content);
            if (abortAfterTokens !== undefined && result.tokens.length >= abortAfterTokens && !result.aborted) {
              result.aborted = true;
              req.destroy();
              resolve(result);
              return;
            }
          }
        }
      });
      res.on('end', () => resolve(result));
      res.on('error', (error) => (result.aborted ? resolve(result) : reject(error)));
    });
    req.on('error', (error) => (result.aborted ? resolve(result) : reject(error)));
    req.end(JSON.stringify({ ...body, stream: true }));
  });
}

/** Polls `check` every 10 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

export function userPrompt(text: string, maxTokens: number, system?: string): Record<string, unknown> {
  const messages = system === undefined ? [] : [{ role: 'system', content: system }];
  messages.push({ role: 'user', content: text });
  return { model: 'test-model', messages, max_tokens: maxTokens };
}
