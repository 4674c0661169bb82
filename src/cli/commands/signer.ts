/**
 * `alses signer <pdf..> --certificat cert.p12 [--vers fichier.pdf]`: signs PDFs (PAdES B-B) with
 * a PKCS#12 certificate whose password comes from `$ALSES_CERTIFICAT_MOT_DE_PASSE` or the
 * terminal, never from an argument. Each file is written atomically, in place or to `--vers`.
 */
import type { CommandModule } from 'yargs';
import { usage } from './index.ts';
import { AlsesError } from '../../errors.ts';
import { certificatePassword, PASSWORD_VARIABLE } from '../../signature/password.ts';
import { readCertificate, signPdfFile } from '../../signature/pdf.ts';
import { nonEmptyPath, reportFailure } from '../shared.ts';

interface SignerArgs {
  pdf: string[];
  certificat: string;
  vers?: string;
  raison: string;
  lieu?: string;
}

/** The `signer` command. */
export const signerCommand: CommandModule<object, SignerArgs> = {
  ...usage('signer'),
  builder: (y) =>
    y
      .strict()
      .positional('pdf', { type: 'string', array: true, describe: 'Fichiers PDF à signer (signés sur place, sauf --vers)', normalize: true })
      .option('certificat', { type: 'string', requiresArg: true, demandOption: 'Indiquez le certificat : --certificat certificat.p12', describe: `Certificat et clé privée (PKCS#12, .p12 ou .pfx) ; mot de passe dans ${PASSWORD_VARIABLE} ou saisi au terminal`, coerce: nonEmptyPath('certificat') })
      .option('vers', { type: 'string', requiresArg: true, describe: 'Fichier signé à écrire (un seul PDF) au lieu de signer sur place', coerce: nonEmptyPath('vers') })
      .option('raison', { type: 'string', requiresArg: true, default: 'Document officiel du Département', describe: 'Motif de la signature' })
      .option('lieu', { type: 'string', requiresArg: true, describe: 'Lieu de la signature' })
      .check((args) => {
        if (args.vers !== undefined && (args.pdf as string[]).length !== 1) throw new AlsesError('USAGE', `--vers n'accepte qu'un seul PDF (reçu : ${(args.pdf as string[]).length})`);
        return true;
      }) as never,
  handler: async (args) => {
    try {
      const certificate = await readCertificate(args.certificat, await certificatePassword());
      for (const file of args.pdf) {
        const target = await signPdfFile(file, certificate, { reason: args.raison, ...(args.lieu ? { location: args.lieu } : {}), ...(args.vers ? { target: args.vers } : {}) });
        process.stdout.write(`signé : ${target}\n`);
      }
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  },
};
