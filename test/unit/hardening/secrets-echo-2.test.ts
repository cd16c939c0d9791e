// Issue 11's echo-server secret cases 4-6 of 9 (headers, bodies and a cut snippet): no trace of the secret, or of
// an 8-character prefix of it, in stdout, stderr, results, HTML, Markdown or JUnit.
import { test } from 'node:test';
import { CASES, runCase } from './support/secret-echo';

for (const c of CASES.slice(3, 6)) test(`secrets: ${c.name}`, () => runCase(c));
