/**
 * Reading a secret (the certificate's password) without it ever being a command-line argument
 * (arguments are visible to every user in `ps` and kept in shell histories): from an environment
 * variable, or typed on a terminal without echo.
 */
import { AlsesError } from '../errors.ts';

/** Environment variable holding the PKCS#12 certificate's password. */
export const PASSWORD_VARIABLE = 'ALSES_CERTIFICAT_MOT_DE_PASSE';

/**
 * The certificate's password: `$ALSES_CERTIFICAT_MOT_DE_PASSE` if set (even empty), otherwise
 * asked on the terminal when stdin is one.
 * @throws AlsesError USAGE when neither is available (a scheduled job, a pipe).
 */
export async function certificatePassword(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env[PASSWORD_VARIABLE];
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) throw new AlsesError('USAGE', `Mot de passe du certificat absent (attendu : la variable d'environnement ${PASSWORD_VARIABLE}, ou une saisie au terminal)`);
  return promptHidden('Mot de passe du certificat : ');
}

/** Asks a line on the terminal without echoing it (raw mode); Ctrl-C cancels. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new AlsesError('USAGE', 'Saisie du mot de passe interrompue'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
