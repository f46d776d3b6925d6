import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { ImmediateMessageWriter } from '../../server/src/node/stdioWriter';

describe('the stdio writer', () => {
  test('each message is framed and written in the call that sends it, in order', () => {
    const out = new PassThrough();
    const writer = new ImmediateMessageWriter(out);
    void writer.write({ jsonrpc: '2.0', id: 1, result: { label: 'Müller' } } as never);
    void writer.write({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'ready' } } as never);
    // Read before any later turn: the library's own writer would have written nothing yet.
    const written = String(out.read());
    const first = '{"jsonrpc":"2.0","id":1,"result":{"label":"Müller"}}';
    const second = '{"jsonrpc":"2.0","method":"window/logMessage","params":{"type":3,"message":"ready"}}';
    assert.equal(written, `Content-Length: ${Buffer.byteLength(first)}\r\n\r\n${first}Content-Length: ${Buffer.byteLength(second)}\r\n\r\n${second}`);
  });

  test('a stream error reaches the connection', () => {
    const out = new PassThrough();
    const writer = new ImmediateMessageWriter(out);
    const errors: string[] = [];
    writer.onError(([error]) => errors.push(error.message));
    out.emit('error', new Error('EPIPE'));
    assert.deepEqual(errors, ['EPIPE']);
  });
});
