// Issue 11's echo-server secret cases 7-9 of 9 (HTML, JSON and URL encodings, a redirect and a stream error event): no trace of the secret, or of
// an 8-character prefix of it, in stdout, stderr, results, HTML, Markdown or JUnit.
import { test } from 'node:test';
import { CASES, runCase } from './support/secret-echo';

for (const c of CASES.slice(6, 9)) test(`secrets: ${c.name}`, () => runCase(c));
