/**
 * Quick fixes for `citation.unknown-key`: replace the key with the closest keys by spelling and the
 * best full-text matches for it, deduplicated, at most five, the best one preferred. And on a
 * citation of a paper with a PDF, "Open PDF" (for clients that have the command).
 */
import type { Range } from '../core/types';
import type { Citation } from '../notes/citation';
import { closestKeys } from '../search/closestKeys';
import { citationKeyText, needsBraces } from '../service/citationKeys';
import { overlaps } from '../service/keyAt';
import { namesPdf } from '../service/paperAttachments';
import type { CodeAction, Diagnostic } from '../service/protocolTypes';
import type { WorkspaceModel } from '../service/workspaceModel';
import { shorten } from '../core/strings';
import { OPEN_PDF_COMMAND } from './clientCommands';
import { UNKNOWN_KEY } from './diagnostics';

const MAX_FIXES = 5;

/** Quick fixes for the unknown keys of `uri` that touch `range`; `diagnostics` are the client's, attached when they match. */
export function provideCodeActions(model: WorkspaceModel, uri: string, range: Range, diagnostics: readonly Diagnostic[] = [], options: { openPdfCommand?: boolean } = {}): CodeAction[] {
  const note = model.note(uri);
  if (!note || !model.hasCatalogs()) return [];
  const actions: CodeAction[] = [];
  for (const citation of note.citations) {
    if (!overlaps(citation.keyRange, range)) continue;
    const paper = model.paper(citation.key);
    if (paper) {
      if (options.openPdfCommand && namesPdf(paper)) {
        actions.push({ title: `Open PDF of ${citation.key}`, command: { title: 'Open PDF', command: OPEN_PDF_COMMAND, arguments: [{ key: citation.key }] } });
      }
      continue;
    }
    const diagnostic = diagnostics.find((d) => d.code === UNKNOWN_KEY && sameRange(d.range, citation.keyRange));
    candidates(model, citation.key).forEach((key, i) => {
      const title = model.paper(key)?.title;
      const action: CodeAction = {
        title: title ? `Replace with '${key}' — ${shorten(title, 60)}` : `Replace with '${key}'`,
        kind: 'quickfix',
        edit: { changes: { [uri]: [{ range: citation.keyRange, newText: keyText(citation, key) }] } },
      };
      if (diagnostic) action.diagnostics = [diagnostic];
      if (i === 0) action.isPreferred = true;
      actions.push(action);
    });
  }
  return actions;
}

function candidates(model: WorkspaceModel, unknown: string): string[] {
  const bySpelling = closestKeys(unknown, model.keysInAnyOrder(), MAX_FIXES);
  const bySearch = model.search(unknown, MAX_FIXES).map((hit) => hit.key);
  return [...new Set([...bySpelling, ...bySearch])].filter((key) => key !== unknown).slice(0, MAX_FIXES);
}

/** The replacement for the key range: braces added when the new key needs them and the citation has none. */
function keyText(citation: Citation, key: string): string {
  const braced = citation.range.end.line === citation.keyRange.end.line && citation.range.end.character > citation.keyRange.end.character;
  return braced || !needsBraces(key) ? key : citationKeyText(key);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
