// The floor under the runner's cost per request: undici 7 alone, the way the runner drives it
// (a Pool with N connections, pipelining 1, low-level dispatch with a handler object speaking
// the core's onConnect … onComplete protocol, as src/runner/attempt.ts does), with N
// closed-loop senders that send again right after a response (a microtask, as the runner's
// closed users do) and a handler that only keeps the body. No metrics, no scheduling. The
// difference between `stampede run` and this is what the engine itself adds.
//   node bench/clients/undici-floor.mjs URL CONNECTIONS SECONDS BODY [RAMP_SECONDS]
// RAMP_SECONDS spreads the senders' first requests over that long (streams that end at spread
// moments, as the runner's ramped closed users do); 0 starts them all at once.
import { Pool } from 'undici';

const [url, connectionsArg, secondsArg, body, rampArg] = process.argv.slice(2);
const rampMs = Number(rampArg ?? '0') * 1000;
const connections = Number(connectionsArg);
const seconds = Number(secondsArg);
const target = new URL(url);
const pool = new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
const headers = { 'content-type': 'application/json' };
const until = performance.now() + seconds * 1000;
let completed = 0;
let failed = 0;
let running = connections;

class Handler {
  constructor(done) {
    this.done = done;
    this.chunks = [];
  }
  onConnect() {}
  onHeaders(statusCode) {
    this.status = statusCode;
    return true;
  }
  onData(chunk) {
    this.chunks.push(chunk);
    return true;
  }
  onComplete() {
    if (this.status === 200) completed += 1;
    else failed += 1;
    this.done();
  }
  onError() {
    failed += 1;
    this.done();
  }
}

const send = () => {
  if (performance.now() >= until) {
    running -= 1;
    if (running === 0) {
      process.stdout.write(`${JSON.stringify({ completed, failed })}\n`);
      pool.destroy().then(() => process.exit(0));
    }
    return;
  }
  pool.dispatch({ origin: target.origin, path: target.pathname, method: 'POST', headers, body }, new Handler(() => queueMicrotask(send)));
};
for (let i = 0; i < connections; i += 1) {
  if (rampMs > 0) setTimeout(send, (i * rampMs) / connections);
  else send();
}
