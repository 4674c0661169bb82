/**
 * Whether a data path names a workbook (`--data classeur.xlsx`) rather than a data folder: by its
 * extension only, so that commands can tell without loading the workbook reader (issue 11: a
 * command's `--help` loads no reader).
 */
import path from 'node:path';

/** Extensions of the workbooks read (`.xlsx`, `.xlsm`; an old `.xls` is refused with a message). */
export const WORKBOOK_EXTENSIONS = ['.xlsx', '.xlsm'] as const;

/** `p` names a workbook (`.xlsx` or `.xlsm`, any case). */
export const isWorkbookPath = (p: string): boolean => (WORKBOOK_EXTENSIONS as readonly string[]).includes(path.extname(p).toLowerCase());
