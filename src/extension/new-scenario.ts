// "Stampede: New Scenario": pick a playbook template, name the file, open it.
import * as vscode from 'vscode';
import { SCENARIO_TEMPLATES } from './scenario-templates';
import { LANGUAGE_ID } from './scenario-analysis';

const FILE_NAME_RE = /^[^\\:*?"<>|]+\.stampede\.ya?ml$/;

export async function newScenario(): Promise<vscode.Uri | undefined> {
  const template = await vscode.window.showQuickPick(
    SCENARIO_TEMPLATES.map((t) => ({ label: t.label, description: t.description, template: t })),
    // ignoreFocusOut: a walkthrough or a view that redraws as the extension activates takes the
    // focus back, which would close the picker before the user saw it.
    { title: 'Stampede: New Scenario', placeHolder: 'Which failure mode should the scenario probe?', matchOnDescription: true, ignoreFocusOut: true },
  );
  if (!template) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: template.template.text });
    await vscode.window.showTextDocument(document);
    return document.uri;
  }
  const exists = async (name: string) => {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, name));
      return true;
    } catch {
      return false;
    }
  };
  let suggested = `${template.template.id}.stampede.yaml`;
  for (let n = 2; await exists(suggested); n++) suggested = `${template.template.id}-${n}.stampede.yaml`;
  const name = await vscode.window.showInputBox({
    title: 'Stampede: New Scenario',
    ignoreFocusOut: true,
    prompt: `File name, relative to ${folder.name}`,
    value: suggested,
    valueSelection: [0, suggested.indexOf('.stampede.yaml')],
    validateInput: async (value) => {
      if (!FILE_NAME_RE.test(value.trim())) return 'the name must end in .stampede.yaml or .stampede.yml';
      if (await exists(value.trim())) return `${value.trim()} already exists`;
      return undefined;
    },
  });
  if (!name) return undefined;
  const uri = vscode.Uri.joinPath(folder.uri, name.trim());
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(template.template.text));
  await vscode.window.showTextDocument(uri);
  return uri;
}
