/**
 * How "Open PDF" opens a paper's attachment: which of its attachments, where (VS Code's PDF viewer,
 * the system's viewer, Zotero's reader) and whether the user must see the path first. Plain data
 * in, plain data out, no `vscode` import: unit-tested; pdfCommands.ts carries the plan out.
 *
 * The server has already checked every attachment on disk (a PDF, EPUB or HTML document by name
 * and content, or `refused`/`missing` with a message); nothing here opens what it refused.
 */
import type { PaperAttachment } from '../../../common/protocol';

export type OpenWith = 'auto' | 'vscode' | 'system' | 'zotero';

export interface OpenContext {
  openWith: OpenWith;
  /** An installed extension contributes a custom editor for `*.pdf`. */
  pdfViewerInstalled: boolean;
  /** URIs outside the workspace the user already agreed to open. */
  approved: ReadonlySet<string>;
}

export type OpenPlan =
  | { kind: 'open'; target: 'vscode' | 'system' | 'zotero'; uri: string; attachment: PaperAttachment; confirmPath?: string; note?: string }
  | { kind: 'refuse'; message: string };

/** Which attachment to open: one, a choice for the user, or why there is none. */
export type AttachmentChoice =
  | { kind: 'one'; attachment: PaperAttachment }
  | { kind: 'pick'; attachments: PaperAttachment[] }
  | { kind: 'none'; message: string };

/**
 * The one PDF when there is exactly one openable; else the one document; else the openable ones
 * to pick from. Without any: the first attachment's message (it names the path), or that the
 * catalog lists none.
 */
export function chooseAttachment(key: string, attachments: readonly PaperAttachment[]): AttachmentChoice {
  const openable = attachments.filter((a) => a.state === 'ok');
  const pdfs = openable.filter((a) => a.document === 'pdf');
  if (pdfs.length === 1) return { kind: 'one', attachment: pdfs[0] };
  if (pdfs.length > 1) return { kind: 'pick', attachments: openable };
  if (openable.length === 1) return { kind: 'one', attachment: openable[0] };
  if (openable.length > 1) return { kind: 'pick', attachments: openable };
  if (attachments.length === 0) return { kind: 'none', message: `“${key}” has no attached file in its catalog entry (the file field).` };
  const [first] = attachments;
  const more = attachments.length - 1;
  return { kind: 'none', message: more > 0 ? `${first.message} (${more} more ${more === 1 ? 'attachment' : 'attachments'} of “${key}” cannot be opened either.)` : first.message ?? `“${key}” has no document to open.` };
}

const zoteroKey = /^[A-Z0-9]{8}$/;

/**
 * Where and how to open one attachment. Zotero opens its own item by key (no local path is handed
 * to anyone, so nothing to confirm); everything else is a local file, confirmed first when it is
 * outside the workspace and Zotero's storage and not approved before.
 */
export function planOpen(attachment: PaperAttachment, context: OpenContext): OpenPlan {
  if (attachment.state !== 'ok' || !attachment.document) return { kind: 'refuse', message: attachment.message ?? `LitNotes does not open ${attachment.path}.` };
  let note: string | undefined;
  if (context.openWith === 'zotero') {
    if (attachment.zoteroKey && zoteroKey.test(attachment.zoteroKey)) {
      return { kind: 'open', target: 'zotero', uri: `zotero://open-pdf/library/items/${attachment.zoteroKey}`, attachment };
    }
    note = `${attachment.label} is not in Zotero's storage, so it opens outside Zotero.`;
  }
  let target: 'vscode' | 'system' = 'system';
  if (attachment.document === 'pdf' && context.openWith !== 'system' && context.pdfViewerInstalled) target = 'vscode';
  if (context.openWith === 'vscode' && target === 'system') {
    note = attachment.document === 'pdf'
      ? 'No PDF viewer extension is installed in VS Code, so the PDF opens in the system\'s viewer.'
      : `VS Code does not show ${attachment.document.toUpperCase()} documents, so it opens in the system's viewer.`;
  }
  const plan: OpenPlan = { kind: 'open', target, uri: attachment.uri, attachment };
  if (!attachment.trusted && !context.approved.has(attachment.uri)) plan.confirmPath = attachment.path;
  if (note) plan.note = note;
  return plan;
}

/** A `package.json` that contributes a custom editor for PDF files (tomoki1207.pdf and its kind). */
export function contributesPdfEditor(packageJson: unknown): boolean {
  const editors = (packageJson as { contributes?: { customEditors?: unknown } } | undefined)?.contributes?.customEditors;
  if (!Array.isArray(editors)) return false;
  return editors.some((editor) => {
    const selectors = (editor as { selector?: unknown })?.selector;
    return Array.isArray(selectors) && selectors.some((s) => typeof (s as { filenamePattern?: unknown })?.filenamePattern === 'string' && /\.pdf$/i.test((s as { filenamePattern: string }).filenamePattern));
  });
}

/** The confirmation's text: the path on a line of its own, and where it came from. */
export function confirmDetail(key: string, path: string): string {
  return `${path}\n\nThis path comes from the catalog entry of “${key}”, outside your workspace and Zotero's storage. Open it only if you expect this file there; once opened, LitNotes does not ask again for it.`;
}
