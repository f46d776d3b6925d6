/** Every LitNotes command, registered once for the life of the extension. */
import type * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { registerInsertCitation } from './insertCitation';
import { registerPaperCommands } from './paperCommands';
import { registerNoteUpdateCommands } from './noteUpdateCommands';
import { registerPdfCommands } from './pdfCommands';
import { registerServerCommands } from './serverCommands';
import { registerViewCommands } from './viewCommands';
import { registerZoteroCommands } from './zoteroCommands';

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return [registerInsertCitation(ctx), ...registerPaperCommands(ctx), ...registerPdfCommands(ctx), ...registerNoteUpdateCommands(ctx), ...registerViewCommands(ctx), ...registerServerCommands(ctx), ...registerZoteroCommands(ctx)];
}
