/**
 * Catalog text shown where VS Code renders `$(icon)` syntax (quick pick labels, descriptions and
 * details): it must show literally. No `vscode` import, unit-tested.
 */

/** One line, whitespace collapsed, `$(name)` escaped so it is not drawn as an icon. */
export function pickText(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().replace(/\$\(/g, '\\$(');
}
