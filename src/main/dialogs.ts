import { BrowserWindow, dialog } from 'electron';
import type { FileFilter } from 'electron';
import type { FileDialogs, OpenKind, SaveKind } from '../backend/services/file-dialogs';
import { MODEL_FILE_EXTENSIONS, MODEL_FORMAT_NAMES } from '../shared/model-metadata';
import type { ModelFormat } from '../shared/model-metadata';

/** Electron's filters take extensions without their dot. */
const extension = (format: ModelFormat): string => MODEL_FILE_EXTENSIONS[format].slice(1);

const saveFilters: Record<SaveKind, FileFilter> = {
  tegaki: { name: `${MODEL_FORMAT_NAMES.tegaki} model`, extensions: [extension('tegaki')] },
  onnx: { name: `${MODEL_FORMAT_NAMES.onnx} model`, extensions: [extension('onnx')] },
  samples: { name: 'Labelled drawings (strokes JSON)', extensions: ['json'] },
};

const openFilters: Record<OpenKind, FileFilter> = {
  model: {
    name: `Model (${MODEL_FORMAT_NAMES.tegaki} or ${MODEL_FORMAT_NAMES.onnx})`,
    extensions: [extension('tegaki'), extension('onnx')],
  },
  samples: saveFilters.samples,
};

/** Native save and open dialogs, attached to the focused window. */
export const electronDialogs: FileDialogs = {
  async chooseExportPath(suggestedName, kind = 'tegaki') {
    const window = BrowserWindow.getFocusedWindow();
    const options = { defaultPath: suggestedName, filters: [saveFilters[kind]] };
    const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  },
  async chooseImportPath(kind = 'model') {
    const window = BrowserWindow.getFocusedWindow();
    const options = { filters: [openFilters[kind]], properties: ['openFile' as const] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
};
