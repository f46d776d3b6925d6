/**
 * "Open PDF": a paper's attachment, from the tree, a citation (cursor, code action, hover link) or
 * a pick. The server lists and checks the attachments (`litnotes/attachments`); openPlan.ts decides
 * where they open and whether the user sees the path first; this file asks, opens and logs.
 */
import * as vscode from 'vscode';
import { attachmentsRequest, type PaperAttachment } from '../../../common/protocol';
import { pdfOpenWith } from '../config';
import { chooseAttachment, confirmDetail, contributesPdfEditor, planOpen, type OpenPlan } from '../pdf/openPlan';
import { pickText } from '../plainText';
import { runningClient, type CommandContext } from './commandContext';
import { targetKey } from './paperTarget';

/** globalState key: URIs outside the workspace the user agreed to open. */
const approvedKey = 'litnotes.approvedAttachments';

export function registerPdfCommands(ctx: CommandContext): vscode.Disposable[] {
  return [vscode.commands.registerCommand('litnotes.openPdf', (arg: unknown) => openPdf(ctx, arg))];
}

/** Resolves to what was opened (for tests and other extensions), or undefined. */
async function openPdf(ctx: CommandContext, arg: unknown): Promise<{ target: string; uri: string } | undefined> {
  const client = runningClient(ctx);
  if (!client) return undefined;
  const key = await targetKey(client, arg, 'Open PDF');
  if (!key) return undefined;
  const attachments = await client.sendRequest(attachmentsRequest, { key });
  if (!attachments) {
    void vscode.window.showWarningMessage(`No paper with the key “${key}” in the catalogs.`);
    return undefined;
  }
  const choice = chooseAttachment(key, attachments);
  let attachment: PaperAttachment | undefined;
  if (choice.kind === 'none') {
    ctx.log.info(`Open PDF ${key}: ${choice.message}`);
    void vscode.window.showWarningMessage(choice.message);
    return undefined;
  } else if (choice.kind === 'one') {
    attachment = choice.attachment;
  } else {
    const items = choice.attachments.map((a) => ({ label: pickText(a.label), description: pickText(a.description), detail: pickText(a.path), attachment: a }));
    attachment = (await vscode.window.showQuickPick(items, { title: `Attachments of ${key}`, matchOnDetail: true }))?.attachment;
    if (!attachment) return undefined;
  }
  const approved = new Set(ctx.state.get<string[]>(approvedKey, []));
  const plan = planOpen(attachment, { openWith: pdfOpenWith(), pdfViewerInstalled: pdfViewerInstalled(), approved });
  return carryOut(ctx, key, plan, approved);
}

async function carryOut(ctx: CommandContext, key: string, plan: OpenPlan, approved: Set<string>): Promise<{ target: string; uri: string } | undefined> {
  if (plan.kind === 'refuse') {
    ctx.log.warn(`Open PDF ${key}: ${plan.message}`);
    void vscode.window.showWarningMessage(plan.message);
    return undefined;
  }
  if (plan.confirmPath !== undefined) {
    const open = 'Open';
    const answer = await vscode.window.showWarningMessage('Open a file from outside your workspace?', { modal: true, detail: confirmDetail(key, plan.confirmPath) }, open);
    if (answer !== open) {
      ctx.log.info(`Open PDF ${key}: not opened, the user declined ${plan.confirmPath}`);
      return undefined;
    }
    approved.add(plan.uri);
    await ctx.state.update(approvedKey, [...approved]);
  }
  if (plan.note) void vscode.window.showInformationMessage(plan.note);
  // Only the two schemes the plan makes: the server's file: URI, or zotero://open-pdf/… with a checked key.
  const uri = vscode.Uri.parse(plan.uri, true);
  if (plan.target === 'zotero' ? uri.scheme !== 'zotero' : uri.scheme !== 'file') return undefined;
  if (plan.target === 'vscode') await vscode.commands.executeCommand('vscode.open', uri, { preview: false });
  else await vscode.env.openExternal(uri);
  ctx.log.info(`Open PDF ${key}: ${plan.target === 'vscode' ? 'in VS Code' : plan.target === 'zotero' ? 'in Zotero' : 'with the system viewer'} ${plan.target === 'zotero' ? plan.uri : plan.attachment.path}`);
  return { target: plan.target, uri: plan.uri };
}

function pdfViewerInstalled(): boolean {
  return vscode.extensions.all.some((extension) => contributesPdfEditor(extension.packageJSON));
}
