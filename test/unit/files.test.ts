import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathToUri, uriToPath } from '../../server/src/node/files';

test('file URIs are encoded as VS Code encodes them, plain paths and escaped ones alike, and read back', () => {
  const cases: [string, string][] = [
    ['/home/ana/notes/doe2020.md', 'file:///home/ana/notes/doe2020.md'],
    ['/home/ana/my notes/Müller(2019).md', 'file:///home/ana/my%20notes/M%C3%BCller%282019%29.md'],
    ["/w/it's #1 [draft]!.md", 'file:///w/it%27s%20%231%20%5Bdraft%5D%21.md'],
    ['/w/a~b_c-d.e/x', 'file:///w/a~b_c-d.e/x'],
  ];
  for (const [path, uri] of cases) {
    assert.equal(pathToUri(path), uri);
    assert.equal(uriToPath(uri), path);
  }
});
