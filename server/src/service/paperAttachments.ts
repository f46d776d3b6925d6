/**
 * `litnotes/attachments`: a paper's files, from its catalog's `file` field (and Zotero's
 * attachments when that source is on), each checked on disk by the glue before the client may
 * open it. This module decides; node/attachmentFiles.ts reads.
 */
import type { PaperAttachment } from '../../../common/protocol';
import { attachmentFileName, attachmentKind, attachmentUris, displayPath, parseAttachment, zoteroStorageKey, type Attachment } from '../catalog/attachments';
import type { Paper } from '../catalog/paper';
import { checkDocument, isTrustedLocation, type FileFacts } from './attachmentSafety';

/** One attachment before the disk is asked: where it may be, best first. */
export interface AttachmentCandidate {
  attachment: Attachment;
  uris: string[];
  origin: 'catalog' | 'zotero';
  /** Zotero's item key for the attachment, when the source says it. */
  zoteroKey?: string;
}

/** The paper's attachments that are local files, in the catalog's order. `home` resolves `~/`. */
export function attachmentCandidates(paper: Paper, home?: string): AttachmentCandidate[] {
  const candidates: AttachmentCandidate[] = [];
  for (const entry of paper.files) {
    const attachment = parseAttachment(entry);
    if (!attachment) continue;
    const uris = attachmentUris(attachment, paper.source.uri, home);
    if (uris.length > 0) candidates.push({ attachment, uris, origin: 'catalog' });
  }
  return candidates;
}

/** The catalog names a PDF for the paper (the tree's mark; the disk is not asked). */
export function namesPdf(paper: Paper): boolean {
  return paper.files.some((entry) => {
    const attachment = parseAttachment(entry);
    return attachment !== undefined && attachmentKind(attachment) === 'pdf';
  });
}

/** What the client gets for one candidate, given what the disk says about the chosen path. */
export function describeAttachment(candidate: AttachmentCandidate, facts: FileFacts, trustedFolders: readonly string[]): PaperAttachment {
  const verdict = checkDocument(facts);
  const described: PaperAttachment = {
    label: attachmentFileName(candidate.attachment),
    uri: facts.uri,
    path: displayPath(facts.uri),
    state: verdict.state,
    trusted: isTrustedLocation(facts.uri, trustedFolders),
    origin: candidate.origin,
  };
  if (candidate.attachment.description) described.description = candidate.attachment.description;
  if (verdict.state === 'ok') described.document = verdict.document;
  else described.message = verdict.message;
  const zoteroKey = candidate.zoteroKey ?? zoteroStorageKey(facts.uri);
  if (zoteroKey) described.zoteroKey = zoteroKey;
  return described;
}

const documentOrder = { pdf: 0, epub: 1, html: 2 } as const;

/** Openable documents first (PDF, EPUB, HTML), then the missing, then the refused; stable otherwise. */
export function sortAttachments(attachments: PaperAttachment[]): PaperAttachment[] {
  const rank = (a: PaperAttachment) => (a.state === 'ok' ? documentOrder[a.document!] : a.state === 'missing' ? 3 : 4);
  return attachments.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a) - rank(y.a) || x.i - y.i).map(({ a }) => a);
}
