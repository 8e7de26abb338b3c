/** What a dialog offers to save or open: a model file, or a strokes file of personal samples. */
export type FileKind = 'model' | 'samples';

/** Where files come from and go to; the app shows dialogs, tests and the browser mode do not. */
export interface FileDialogs {
  chooseExportPath(suggestedName: string, kind?: FileKind): Promise<string | null>;
  chooseImportPath(kind?: FileKind): Promise<string | null>;
}
