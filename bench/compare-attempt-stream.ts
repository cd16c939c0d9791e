// The streaming hot path alone, before and after a change, in one process: the same SSE bytes
// (a role chunk, then token chunks, finish and usage) fed through the Attempt of another source
// tree and through this tree's, interleaved, with no network and no other work, so the ratio
// shows what the change costs per token event even on a loaded machine.
//   node --expose-gc --import tsx bench/compare-attempt-stream.ts BEFORE_SOURCE_TREE [rounds=12]
// BEFORE_SOURCE_TREE is a copy of the repository before the change (e.g. `git archive main`).
import { join, resolve } from 'node:path';
import { Attempt } from '../src/runner/attempt';
import { openaiChat } from '../src/runner/dialects/openai-chat';

const [beforeTree, roundsArg] = process.argv.slice(2);
if (!beforeTree) {
  process.stderr.write('usage: node --import tsx bench/compare-attempt-stream.ts BEFORE_SOURCE_TREE [rounds]\n');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 12);
const Before = (require(join(resolve(beforeTree), 'src/runner/attempt')) as { Attempt: typeof Attempt }).Attempt;

const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'bench-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const TOKEN = Buffer.from(chunk({ content: ' tok' }, null));
const TAIL = Buffer.from(chunk({}, 'stop') + `data: ${JSON.stringify({ id: 'x', choices: [], usage: { prompt_tokens: 24, completion_tokens: 100 } })}\n\ndata: [DONE]\n\n`);
const HEADERS = [Buffer.from('content-type'), Buffer.from('text/event-stream')];
const STREAMS = 2000;
const TOKENS = 100;
let gaps = 0;
const hooks = { itl: (ms: number) => void (gaps += ms), started: () => undefined, firstToken: () => undefined, finished: () => undefined };

/** CPU µs per token event for STREAMS streams of TOKENS tokens through `Ctor`. */
function measure(Ctor: typeof Attempt): number {
  const t0 = process.cpuUsage();
  for (let s = 0; s < STREAMS; s++) {
    // The dialect is ignored by an Attempt from before dialects existed.
    const a = new Ctor({ dispatcher: null as never, origin: 'http://bench', path: '/', headers: {}, dialect: openaiChat }, '', true, hooks, 1e9, 1e9, -1);
    a.onConnect(() => undefined);
    a.onHeaders(200, HEADERS);
    for (let i = 0; i < TOKENS; i++) a.onData(TOKEN);
    a.onData(TAIL);
    a.onComplete();
    if (a.outcome !== 'ok') throw new Error(`stream ended ${a.outcome}: ${a.detail}`);
  }
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / (STREAMS * TOKENS);
}

const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  // Alternate which goes first, and collect garbage between, so neither pays for the other.
  let before: number;
  let after: number;
  collect();
  if (r % 2 === 0) {
    before = measure(Before);
    collect();
    after = measure(Attempt);
  } else {
    after = measure(Attempt);
    collect();
    before = measure(Before);
  }
  // The first two rounds warm the JIT up.
  if (r >= 2) ratios.push(after / before);
  process.stdout.write(`round ${r + 1}: before ${before.toFixed(3)} CPU-µs per token event, after ${after.toFixed(3)}: after/before ${(after / before).toFixed(3)}\n`);
}
ratios.sort((x, y) => x - y);
process.stdout.write(`median after/before: ${ratios[Math.floor(ratios.length / 2)]!.toFixed(3)} over ${ratios.length} rounds (${gaps > 0 ? 'gaps seen' : 'no gaps'})\n`);
