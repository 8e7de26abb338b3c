import type { ModelFormat } from '../../shared/model-metadata';

/** What a save dialog writes: a model file in one of its formats, or a strokes file of personal samples. */
export type SaveKind = ModelFormat | 'samples';

/** What an open dialog reads: a model file in any format Tegaki imports, or a strokes file of personal samples. */
export type OpenKind = 'model' | 'samples';

/** Where files come from and go to; the app shows dialogs, tests and the browser mode do not. */
export interface FileDialogs {
  chooseExportPath(suggestedName: string, kind?: SaveKind): Promise<string | null>;
  chooseImportPath(kind?: OpenKind): Promise<string | null>;
}
