/**
 * A small glob matcher for workspace-relative paths (`/`-separated): `**`, `*`, `?`, `{a,b}` and
 * `[...]`, the subset VS Code's settings use. Written here rather than pulled in as a dependency:
 * discovery needs only "does this path match one of these globs".
 */

/** A predicate over workspace-relative paths; an empty list matches nothing. */
export function globMatcher(globs: readonly string[]): (relativePath: string) => boolean {
  const patterns = globs.filter((g) => g.trim() !== '').map(globToRegExp);
  if (patterns.length === 0) return () => false;
  return (relativePath) => patterns.some((p) => p.test(relativePath));
}

export function hasGlobSyntax(text: string): boolean {
  return /[*?{[]/.test(text);
}

export function globToRegExp(glob: string): RegExp {
  let g = glob.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  if (g.startsWith('/')) g = g.slice(1);
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        const atStart = i === 0 || g[i - 1] === '/';
        const atEnd = i + 2 === g.length || g[i + 2] === '/';
        if (atStart && atEnd) {
          if (i + 2 === g.length) {
            // Trailing `**`: the folder itself or anything below it.
            out = out.endsWith('/') ? out.slice(0, -1) + '(?:/.*)?' : '.*';
          } else {
            out += '(?:.*/)?';
            i++; // also skip the `/` after `**`
          }
          i++;
          continue;
        }
        out += '[^/]*';
        i++;
        continue;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      braceDepth++;
      out += '(?:';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (c === ',' && braceDepth > 0) {
      out += '|';
    } else if (c === '[') {
      const close = g.indexOf(']', i + 1);
      if (close < 0) {
        out += '\\[';
      } else {
        const body = g.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else {
      out += c.replace(/[.+^$()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}
