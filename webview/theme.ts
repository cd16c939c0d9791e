// Chart colours come from the editor's theme: the --vscode-* variables VS Code sets on the
// page, read again whenever the theme changes (VS Code swaps the body's vscode-light /
// vscode-dark / vscode-high-contrast class).
import type { ColorRole } from './chart-catalog';

export interface Palette {
  roles: Record<ColorRole, string>;
  foreground: string;
  grid: string;
  error: string;
  focus: string;
  font: string;
  fontSize: number;
}

const ROLE_VARS: Record<ColorRole, string> = {
  blue: '--vscode-charts-blue',
  red: '--vscode-charts-red',
  yellow: '--vscode-charts-yellow',
  orange: '--vscode-charts-orange',
  green: '--vscode-charts-green',
  purple: '--vscode-charts-purple',
  foreground: '--vscode-charts-foreground',
  lines: '--vscode-charts-lines',
};

export function readPalette(): Palette {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, ...fallbacks: string[]): string => {
    for (const n of [name, ...fallbacks]) {
      const v = style.getPropertyValue(n).trim();
      if (v) return v;
    }
    // Outside VS Code (no theme variables) canvas text still follows the page's own colour.
    return getComputedStyle(document.body).color || 'gray';
  };
  const roles = {} as Record<ColorRole, string>;
  for (const [role, name] of Object.entries(ROLE_VARS) as Array<[ColorRole, string]>) {
    roles[role] = read(name, '--vscode-foreground');
  }
  const fontSize = parseFloat(style.getPropertyValue('--vscode-font-size')) || 13;
  return {
    roles,
    foreground: read('--vscode-foreground'),
    grid: read('--vscode-charts-lines', '--vscode-panel-border', '--vscode-foreground'),
    error: read('--vscode-errorForeground', '--vscode-charts-red'),
    focus: read('--vscode-focusBorder', '--vscode-foreground'),
    font: read('--vscode-font-family'),
    fontSize,
  };
}

/** Calls `onChange` after every theme switch. */
export function observeTheme(onChange: () => void): MutationObserver {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return observer;
}
