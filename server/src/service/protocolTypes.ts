/**
 * The LSP result shapes the features return, written out as plain types so the service never
 * imports `vscode-languageserver*` (see ARCHITECTURE.md). They are structurally equal to LSP's,
 * so the server passes them through unchanged. Numeric enums carry LSP's numbers.
 */
import type { Location, Range } from '../core/types';

export interface MarkupContent {
  kind: 'markdown' | 'plaintext';
  value: string;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** LSP `CompletionItemKind.Reference`. */
export const completionKindReference = 18 as const;

export interface CompletionItem {
  label: string;
  kind?: typeof completionKindReference;
  detail?: string;
  labelDetails?: { detail?: string; description?: string };
  documentation?: MarkupContent;
  sortText?: string;
  filterText?: string;
  textEdit?: TextEdit;
  additionalTextEdits?: TextEdit[];
  data?: CompletionData;
}

/** What `completionItem/resolve` needs to finish an item. */
export interface CompletionData {
  key: string;
  /** Offered before anything was typed: the details end with how to search. */
  tip?: boolean;
}

export interface CompletionList {
  isIncomplete: boolean;
  items: CompletionItem[];
}

export interface Hover {
  contents: MarkupContent;
  range?: Range;
}

export interface DocumentLink {
  range: Range;
  target?: string;
  tooltip?: string;
}

export interface RenameFile {
  kind: 'rename';
  oldUri: string;
  newUri: string;
  options?: { overwrite?: boolean; ignoreIfExists?: boolean };
}

export interface TextDocumentEdit {
  textDocument: { uri: string; version: number | null };
  edits: TextEdit[];
}

export interface WorkspaceEdit {
  changes?: { [uri: string]: TextEdit[] };
  documentChanges?: (TextDocumentEdit | RenameFile)[];
}

/** LSP `DiagnosticSeverity`. */
export const diagnosticSeverity = { error: 1, warning: 2, information: 3, hint: 4 } as const;

export type DiagnosticSeverity = (typeof diagnosticSeverity)[keyof typeof diagnosticSeverity];

export interface DiagnosticRelatedInformation {
  location: Location;
  message: string;
}

export interface Diagnostic {
  range: Range;
  severity: DiagnosticSeverity;
  code: string;
  source: 'litnotes';
  message: string;
  relatedInformation?: DiagnosticRelatedInformation[];
}

/** A command the client runs (LSP `Command`). */
export interface Command {
  title: string;
  command: string;
  arguments?: unknown[];
}

/** A quick fix (an edit), or an action without a kind that runs a client command. */
export interface CodeAction {
  title: string;
  kind?: 'quickfix';
  diagnostics?: Diagnostic[];
  isPreferred?: boolean;
  edit?: WorkspaceEdit;
  command?: Command;
}

/** LSP `SymbolKind.Key`. */
export const symbolKindKey = 20 as const;

export interface SymbolInformation {
  name: string;
  kind: typeof symbolKindKey;
  containerName?: string;
  location: Location;
}

/** A refusal the user reads (rename on a non-key, invalid new key). The glue turns it into a ResponseError. */
export interface Refusal {
  error: string;
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && typeof (value as Refusal).error === 'string';
}
