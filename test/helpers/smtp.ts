/**
 * A real SMTP server on 127.0.0.1 for the tests (smtp-server), which reads what arrives with
 * mailparser; it can refuse every connection with `421` to play a relay that is down.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

/** A message as the server received it. */
export interface Received {
  /** Envelope recipients (RCPT TO). */
  readonly to: string[];
  readonly from: string;
  readonly mail: ParsedMail;
}

/** The test server and what it received. */
export interface TestSmtp {
  /** `smtp://127.0.0.1:<port>`. */
  readonly url: string;
  readonly received: Received[];
  /** While `true`, every connection is refused with `421 4.3.2 Service non disponible`. */
  refusing: boolean;
  /** Connections refused so far. */
  refused: number;
  close(): Promise<void>;
}

/** Starts an SMTP server on 127.0.0.1 on a free port (no TLS, no authentication). */
export async function startSmtp(): Promise<TestSmtp> {
  const state = { received: [] as Received[], refusing: false, refused: 0 };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      if (!state.refusing) return callback();
      state.refused++;
      const err: SMTPServerError = Object.assign(new Error('4.3.2 Service non disponible, réessayez plus tard'), { responseCode: 421 });
      callback(err);
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          state.received.push({ to: session.envelope.rcptTo.map((r) => r.address), from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', mail });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const smtp: TestSmtp = {
    url: `smtp://127.0.0.1:${port}`,
    received: state.received,
    get refusing() {
      return state.refusing;
    },
    set refusing(v: boolean) {
      state.refusing = v;
    },
    get refused() {
      return state.refused;
    },
    set refused(v: number) {
      state.refused = v;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return smtp;
}
