/**
 * The only Zotero links LitNotes opens: the ones its server builds for a paper of the user's library,
 * `zotero://select/library/items/<item key>`. Anything else under the `zotero:` scheme (or any other
 * text a catalog could hold) is not opened. No `vscode` import: unit-tested.
 */
const SELECT_ITEM = /^zotero:\/\/select\/library\/items\/[A-Za-z0-9]{1,32}$/;

export function isZoteroItemLink(uri: string): boolean {
  return SELECT_ITEM.test(uri);
}

/** What the short-lived document shows while Zotero opens the item. */
export function openingText(uri: string): string {
  return isZoteroItemLink(uri)
    ? `LitNotes opened this paper in Zotero (item ${uri.slice(uri.lastIndexOf('/') + 1)}).\n`
    : 'LitNotes opens only links to items of your Zotero library.\n';
}
