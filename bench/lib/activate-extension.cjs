// One activation of a built extension.js outside the editor, for bench/extension-activation.mjs:
// `require('vscode')` gets a stand-in where every property is a callable, constructible stub
// (registrations succeed and do nothing), except that one scenario document is open and the
// output channel prints what the extension logs.
//   node bench/lib/activate-extension.cjs EXTENSION_JS SCENARIO_FILE
const Module = require('node:module');
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const [bundle, scenario] = process.argv.slice(2);
const text = readFileSync(scenario, 'utf8');

/** A function that is also a class and an object: any call, `new` or unknown property read gives
 * another; properties set on it are kept. */
function stub(name) {
  const own = new Map();
  return new Proxy(function () {}, {
    get(_t, key) {
      if (own.has(key)) return own.get(key);
      if (key === Symbol.toPrimitive) return () => name;
      if (key === 'then') return undefined;
      if (key === Symbol.iterator) return function* () {};
      return stub(`${name}.${String(key)}`);
    },
    set(_t, key, value) {
      own.set(key, value);
      return true;
    },
    defineProperty(_t, key, descriptor) {
      own.set(key, descriptor.value ?? descriptor.get?.());
      return true;
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
}

const uri = { scheme: 'file', fsPath: scenario, path: scenario, toString: () => `file://${scenario}` };
const document = { uri, fileName: scenario, languageId: 'stampede', version: 1, getText: () => text, lineCount: text.split('\n').length };
const outputChannel = new Proxy(
  {},
  {
    get: (_t, key) => (['info', 'warn', 'error', 'trace', 'debug', 'appendLine'].includes(key) ? (line) => process.stdout.write(`${line}\n`) : stub(`log.${String(key)}`)),
  },
);
const base = stub('vscode');
const overrides = {
  workspace: new Proxy(
    {},
    {
      get: (_t, key) => {
        if (key === 'textDocuments') return [document];
        if (key === 'workspaceFolders') return [];
        if (key === 'isTrusted') return true;
        if (key === 'getConfiguration') return () => ({ get: (_k, fallback) => fallback, inspect: () => undefined, has: () => false });
        return base.workspace[key];
      },
    },
  ),
  window: new Proxy({}, { get: (_t, key) => (key === 'createOutputChannel' ? () => outputChannel : key === 'visibleTextEditors' ? [] : base.window[key]) }),
};
// esbuild's interop copies the module's own keys: give it every vscode.X the sources use.
const sources = join(__dirname, '../../src/extension');
const names = new Set(Object.keys(overrides));
for (const file of readdirSync(sources, { recursive: true })) {
  if (!String(file).endsWith('.ts')) continue;
  for (const match of readFileSync(join(sources, String(file)), 'utf8').matchAll(/\bvscode\.([A-Za-z]+)/g)) names.add(match[1]);
}
const vscode = {};
for (const name of names) Object.defineProperty(vscode, name, { enumerable: true, get: () => overrides[name] ?? base[name] });

const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};

const extension = require(bundle);
const context = stub('context');
extension.activate(
  new Proxy(context, {
    get: (_t, key) => (key === 'subscriptions' ? [] : context[key]),
  }),
);
process.exit(0);
