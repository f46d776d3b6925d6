/**
 * Links and actions that run a command of the LitNotes client (the VS Code extension): built here
 * only, from a fixed command id and a citation key as its JSON argument, never from catalog text.
 * Offered only to clients that said they have the command (`initializationOptions.commands`): a
 * plain LSP client would show a link that does nothing.
 */

export const OPEN_PDF_COMMAND = 'litnotes.openPdf';

/** The commands the client declared; anything but a list of strings is none. */
export function clientCommands(initializationOptions: unknown): Set<string> {
  const commands = (initializationOptions as { commands?: unknown } | undefined)?.commands;
  return new Set(Array.isArray(commands) ? commands.filter((c): c is string => typeof c === 'string') : []);
}

/**
 * `command:litnotes.openPdf?<args>` for a Markdown link: the argument `[{"key": …}]` is
 * percent-encoded whole, parentheses and quotes too, so no key can end the link destination.
 */
export function openPdfCommandUri(key: string): string {
  const args = encodeURIComponent(JSON.stringify([{ key }])).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `command:${OPEN_PDF_COMMAND}?${args}`;
}
