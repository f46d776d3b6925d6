// The least an LSP server can do: answer every hover with null, over stdio, with the same library
// as LitNotes. The bench times hovers against it in the same run: the round-trip floor of the machine.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain script node runs as it is
const { createConnection, ProposedFeatures } = require('vscode-languageserver/node');

const connection = createConnection(ProposedFeatures.all);
connection.onInitialize(() => ({ capabilities: { hoverProvider: true } }));
connection.onHover(() => null);
connection.listen();
