// Issue 11's echo-server secret cases 1-3 of 9 (URLs and credentials in the URL or a header): no trace of the secret, or of
// an 8-character prefix of it, in stdout, stderr, results, HTML, Markdown or JUnit.
import { test } from 'node:test';
import { CASES, runCase } from './support/secret-echo';

for (const c of CASES.slice(0, 3)) test(`secrets: ${c.name}`, () => runCase(c));
