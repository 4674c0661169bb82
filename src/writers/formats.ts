/**
 * The output formats, apart from the writers: the command line checks `--format` with them
 * without loading any renderer.
 */

/** Output formats. */
export const FORMATS = ['pdf', 'docx', 'html'] as const;
/** An output format. */
export type Format = (typeof FORMATS)[number];
