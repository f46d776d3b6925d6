/**
 * Diagnostics with stable codes, messages made here, severity per rule from the settings (`off`
 * hides the rule). Notes: unknown citation keys (none when no catalog is loaded: a workspace
 * without a catalog is not an error). Catalogs: the reader's problems and cross-file duplicate keys.
 */
import type { Problem } from '../core/types';
import { closestKeys } from '../search/closestKeys';
import { diagnosticSeverity, type Diagnostic, type DiagnosticSeverity } from '../service/protocolTypes';
import type { RuleSeverity, Settings } from '../service/settings';
import type { WorkspaceModel } from '../service/workspaceModel';

export const UNKNOWN_KEY = 'citation.unknown-key';
export const DUPLICATE_KEY = 'catalog.duplicate-key';

type DiagnosticSettings = Pick<Settings, 'diagnostics'>;

export function noteDiagnostics(model: WorkspaceModel, uri: string, settings: DiagnosticSettings): Diagnostic[] {
  const note = model.note(uri);
  if (!note) return [];
  const diagnostics: Diagnostic[] = [];
  const parseSeverity = severityFor(settings.diagnostics.parseError);
  if (parseSeverity !== undefined) {
    for (const problem of note.frontMatter?.problems ?? []) diagnostics.push(fromProblem(problem, parseSeverity));
  }
  const unknownSeverity = severityFor(settings.diagnostics.unknownKey);
  if (unknownSeverity === undefined || !model.hasCatalogs()) return diagnostics;
  const hints = new Map<string, string | undefined>();
  for (const citation of note.citations) {
    if (model.paper(citation.key)) continue;
    if (!hints.has(citation.key)) hints.set(citation.key, closestKeys(citation.key, model.keysInAnyOrder(), 1)[0]);
    diagnostics.push({
      range: citation.keyRange,
      severity: unknownSeverity,
      code: UNKNOWN_KEY,
      source: 'litnotes',
      message: unknownKeyMessage(citation.key, hints.get(citation.key)),
    });
  }
  return diagnostics;
}

/** A catalog's diagnostics; `withDuplicates` false leaves out the keys it shares with other catalogs (not all read yet). */
export function catalogDiagnostics(model: WorkspaceModel, uri: string, settings: DiagnosticSettings, withDuplicates = true): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const problem of model.catalogProblems(uri, withDuplicates)) {
    const rule = problem.code === DUPLICATE_KEY ? settings.diagnostics.duplicateKey : settings.diagnostics.parseError;
    const severity = severityFor(rule);
    if (severity !== undefined) diagnostics.push(fromProblem(problem, severity));
  }
  return diagnostics;
}

export function unknownKeyMessage(key: string, closest: string | undefined): string {
  const message = `Unknown citation key '${key}': no paper in the catalogs has it.`;
  return closest ? `${message} Did you mean '${closest}'?` : message;
}

export function severityFor(rule: RuleSeverity): DiagnosticSeverity | undefined {
  return rule === 'off' ? undefined : diagnosticSeverity[rule];
}

function fromProblem(problem: Problem, severity: DiagnosticSeverity): Diagnostic {
  const diagnostic: Diagnostic = { range: problem.range, severity, code: problem.code, source: 'litnotes', message: problem.message };
  if (problem.related && problem.related.length > 0) {
    diagnostic.relatedInformation = problem.related.map((r) => ({ location: r.location, message: r.message }));
  }
  return diagnostic;
}
