// The one module that touches @vscode/webview-ui-toolkit: registers only the components the
// panel uses. vscode-badge is left out on purpose: its template sets an inline style attribute,
// which the panel's CSP (no 'unsafe-inline') reports as a violation.
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDivider } from '@vscode/webview-ui-toolkit';

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDivider());
}

export type ButtonAppearance = 'primary' | 'secondary' | 'icon';

export function toolkitButton(label: string, appearance: ButtonAppearance, title?: string): HTMLElement {
  const button = document.createElement('vscode-button');
  button.setAttribute('appearance', appearance);
  button.textContent = label;
  if (title) {
    button.setAttribute('title', title);
    button.setAttribute('aria-label', title);
  }
  return button;
}

export function setButtonDisabled(button: HTMLElement, disabled: boolean): void {
  button.toggleAttribute('disabled', disabled);
}

export function toolkitDivider(): HTMLElement {
  return document.createElement('vscode-divider');
}
