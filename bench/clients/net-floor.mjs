// The floor under any Node HTTP client's cost per streamed token event: node:net sockets alone,
// one per stream, each writing a fixed HTTP/1.1 request and sending the next one when the
// chunked body's last chunk (0 CRLF CRLF) arrives. No HTTP parsing, no SSE, no timestamps: what
// the sockets, the event loop and the kernel cost on this machine. Compare undici-floor.mjs
// (undici's parser and pool on top) and the runner (SSE, dialect, metrics on top of that).
//   node bench/clients/net-floor.mjs URL CONNECTIONS SECONDS BODY [RAMP_SECONDS]
import { connect } from 'node:net';

const [url, connectionsArg, secondsArg, body, rampArg] = process.argv.slice(2);
const target = new URL(url);
const connections = Number(connectionsArg);
const seconds = Number(secondsArg);
const rampMs = Number(rampArg ?? '0') * 1000;
const until = performance.now() + seconds * 1000;
const request = Buffer.from(`POST ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
const LAST_CHUNK = Buffer.from('\r\n0\r\n\r\n');
let completed = 0;
let open = connections;

function stream() {
  const socket = connect(Number(target.port), target.hostname);
  socket.setNoDelay(true);
  // The last bytes of the previous read, so a terminator split across two reads is still seen.
  let tail = Buffer.alloc(0);
  const send = () => {
    if (performance.now() < until) socket.write(request);
    else socket.end();
  };
  socket.on('connect', send);
  socket.on('data', (chunk) => {
    const seen = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
    if (seen.length >= LAST_CHUNK.length && seen.indexOf(LAST_CHUNK, seen.length - LAST_CHUNK.length) >= 0) {
      completed += 1;
      tail = Buffer.alloc(0);
      send();
    } else tail = seen.subarray(Math.max(0, seen.length - LAST_CHUNK.length + 1));
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    open -= 1;
    if (open === 0) {
      process.stdout.write(`${JSON.stringify({ completed })}\n`);
      process.exit(0);
    }
  });
}

for (let i = 0; i < connections; i += 1) {
  if (rampMs > 0) setTimeout(stream, (i * rampMs) / connections);
  else stream();
}
