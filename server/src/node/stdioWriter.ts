/**
 * The server's side of `--stdio`: each message written when it is sent. The protocol library's
 * stream writer takes a lock per message and writes it on a later turn (setImmediate), so while
 * the workspace is indexed an answer computed in 3 ms waited for the indexing slice queued before
 * it, 10–50 ms. VS Code's IPC transport writes at once already; over stdio, writing at once keeps
 * the order too, since each message goes out in the call that sends it.
 */
import { inspect } from 'node:util';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

export class ImmediateMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly out: NodeJS.WritableStream) {
    super();
    out.on('error', (error: Error) => this.fireError(error));
    out.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    try {
      const body = Buffer.from(JSON.stringify(message), 'utf8');
      this.out.write(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii');
      this.out.write(body);
      this.errorCount = 0;
      return Promise.resolve();
    } catch (error) {
      this.fireError(error as Error, message, ++this.errorCount);
      return Promise.reject(error);
    }
  }

  end(): void {}
}

interface Log {
  log(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Over stdio, stdout carries the protocol: what a dependency prints goes to the client's log
 * instead (the library does the same when it opens stdio itself).
 */
export function consoleToLog(log: Log): void {
  const text = (args: unknown[]) => args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' ');
  console.log = (...args: unknown[]) => log.log(text(args));
  console.debug = (...args: unknown[]) => log.log(text(args));
  console.info = (...args: unknown[]) => log.info(text(args));
  console.warn = (...args: unknown[]) => log.warn(text(args));
  console.error = (...args: unknown[]) => log.error(text(args));
  console.dir = (value: unknown) => log.log(inspect(value));
}
