// The extension manifest follows VS Code's conventions: limited support in untrusted workspaces
// with the settings a repository could abuse restricted, no virtual workspaces, a scope on every
// setting, a `$stampede` problem matcher that reads the CLI's lines, a `stampede` task type,
// keybindings for Run and Stop, commands shown only where they apply, and only the activation
// events VS Code does not derive from the contributions itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblemLine } from '../../../src/core/problem';

const ROOT = join(import.meta.dirname, '../../..');

interface Manifest {
  extensionKind: string[];
  capabilities: {
    untrustedWorkspaces: { supported: boolean | 'limited'; description: string; restrictedConfigurations: string[] };
    virtualWorkspaces: { supported: boolean; description: string };
  };
  activationEvents: string[];
  contributes: {
    languages: Array<{ id: string }>;
    commands: Array<{ command: string }>;
    views: Record<string, Array<{ id: string }>>;
    configuration: { properties: Record<string, { scope?: string }> };
    menus: Record<string, Array<{ command: string; when?: string }>>;
    keybindings: Array<{ command: string; key: string; mac?: string; when?: string }>;
    taskDefinitions: Array<{ type: string; required: string[]; properties: Record<string, { enum?: string[] }> }>;
    problemMatchers: Array<{ name: string; owner: string; fileLocation: string[]; pattern: { regexp: string; file: number; line: number; column: number; severity: number; message: number } }>;
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const contributes = manifest.contributes;
const extensionSource = readdirSync(join(ROOT, 'src/extension'), { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(join(ROOT, 'src/extension', f), 'utf8'))
  .join('\n');

test('untrusted workspaces: limited, with the cost, results and mock-port settings restricted', () => {
  const trust = manifest.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, 'limited');
  assert.match(trust.description, /running one is disabled/);
  for (const key of ['stampede.confirmCostAboveUsd', 'stampede.resultsFolder', 'stampede.mock.port']) assert.ok(trust.restrictedConfigurations.includes(key), key);
  for (const key of trust.restrictedConfigurations) assert.ok(contributes.configuration.properties[key], `${key} is a contributed setting`);
  // The code refuses runs itself too (commands, CodeLens, tasks and the test explorer all go through run()).
  assert.match(extensionSource, /if \(!vscode\.workspace\.isTrusted\)/);
});

test('no virtual workspaces, and the extension runs where the workspace is', () => {
  assert.equal(manifest.capabilities.virtualWorkspaces.supported, false);
  assert.ok(manifest.capabilities.virtualWorkspaces.description.length > 20);
  assert.deepEqual(manifest.extensionKind, ['workspace']);
});

test('every setting has a scope', () => {
  const allowed = ['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'];
  for (const [key, setting] of Object.entries(contributes.configuration.properties)) assert.ok(allowed.includes(setting.scope ?? ''), `${key}: scope ${setting.scope}`);
});

test('the $stampede problem matcher reads the lines validate and the tasks print', () => {
  const matcher = contributes.problemMatchers.find((m) => m.name === 'stampede');
  assert.ok(matcher);
  assert.notEqual(matcher.owner, 'stampede', 'not the owner of the live diagnostics, which would overwrite them');
  assert.deepEqual(matcher.fileLocation, ['autoDetect', '${workspaceFolder}']);
  const groups = matcher.pattern;
  const regexp = new RegExp(groups.regexp);
  const problem = { severity: 'error' as const, code: 'unknown-field', message: "unknown field 'stges' — did you mean 'stages'?", path: 'load.stges', range: { line: 6, column: 3, endLine: 6, endColumn: 8 } };
  for (const file of ['load/launch.stampede.yaml', '/abs/path with space/a.stampede.yml', 'C:\\work\\a.stampede.yaml']) {
    const m = regexp.exec(formatProblemLine(file, problem));
    assert.ok(m, file);
    assert.deepEqual([m[groups.file], m[groups.line], m[groups.column], m[groups.severity], m[groups.message]], [file, '6', '3', 'error', "unknown field 'stges' — did you mean 'stages'? (load.stges)"]);
  }
  assert.equal(regexp.exec('--set load.timeScale: error: bad'), null, 'a --set problem has no position');
});

test('a stampede task type for validate and run', () => {
  const task = contributes.taskDefinitions.find((t) => t.type === 'stampede');
  assert.ok(task);
  assert.deepEqual(task.required, ['command', 'file']);
  assert.deepEqual(task.properties.command.enum, ['validate', 'run']);
  assert.match(extensionSource, /registerTaskProvider\(TASK_TYPE/);
});

test('keybindings for Run and Stop, scoped to scenario files and a running run', () => {
  const run = contributes.keybindings.find((k) => k.command === 'stampede.runScenario');
  const stop = contributes.keybindings.find((k) => k.command === 'stampede.stopRun');
  assert.ok(run && stop);
  assert.equal(run.key, 'ctrl+alt+r');
  assert.equal(run.mac, 'cmd+alt+r');
  assert.match(run.when ?? '', /editorLangId == stampede/);
  assert.equal(stop.key, 'ctrl+alt+k');
  assert.match(stop.when ?? '', /^stampede\.running && /);
});

test('commands show only where they apply; their context keys are set by the extension', () => {
  const palette = new Map(contributes.menus.commandPalette.map((m) => [m.command, m.when]));
  assert.equal(palette.get('stampede.stopRun'), 'stampede.running');
  assert.equal(palette.get('stampede.stopMock'), 'stampede.mockRunning');
  assert.equal(palette.get('stampede.startMock'), '!stampede.mockRunning');
  assert.equal(palette.get('stampede.validateScenario'), 'editorLangId == stampede');
  for (const command of contributes.commands.map((c) => c.command).filter((c) => c.startsWith('stampede.history.') && c !== 'stampede.history.refresh')) {
    assert.equal(palette.get(command), 'false', `${command} needs a run from the Runs view`);
  }
  const whens = Object.values(contributes.menus).flat().map((m) => m.when ?? '').concat(contributes.keybindings.map((k) => k.when ?? ''));
  // Context keys, not the values compared with them (view ids, webview ids).
  const keys = new Set(whens.flatMap((w) => w.replace(/(==|!=|=~)\s*'?[\w.]+'?/g, '').match(/\bstampede\.[A-Za-z]+\b/g) ?? []));
  assert.deepEqual([...keys].sort(), ['stampede.mockRunning', 'stampede.running']);
  for (const key of keys) assert.match(extensionSource, new RegExp(`'setContext', '${key.replace('.', '\\.')}'`), `${key} is set with setContext`);
});

test('activation events: only those VS Code does not derive from the contributions', () => {
  // VS Code (1.74+) adds onCommand for contributed commands, onLanguage for languages with a
  // configuration, onView for views and onTaskType for task definitions by itself.
  const implied = [
    ...contributes.commands.map((c) => `onCommand:${c.command}`),
    ...contributes.languages.map((l) => `onLanguage:${l.id}`),
    ...Object.values(contributes.views).flat().map((v) => `onView:${v.id}`),
    ...contributes.taskDefinitions.map((t) => `onTaskType:${t.type}`),
  ];
  assert.deepEqual(manifest.activationEvents.filter((e) => implied.includes(e)), []);
  assert.deepEqual(manifest.activationEvents, ['onWebviewPanel:stampede.livePanel', 'workspaceContains:**/*.stampede.{yaml,yml}']);
  assert.ok(!manifest.activationEvents.includes('*'));
});
