import { BrowserWindow, dialog } from 'electron';
import type { FileDialogs } from '../backend/services/file-dialogs';

const filters = {
  model: { name: 'Tegaki model', extensions: ['tgk'] },
  samples: { name: 'Labelled drawings (strokes JSON)', extensions: ['json'] },
};

/** Native save and open dialogs, attached to the focused window. */
export const electronDialogs: FileDialogs = {
  async chooseExportPath(suggestedName, kind = 'model') {
    const window = BrowserWindow.getFocusedWindow();
    const options = { defaultPath: suggestedName, filters: [filters[kind]] };
    const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  },
  async chooseImportPath(kind = 'model') {
    const window = BrowserWindow.getFocusedWindow();
    const options = { filters: [filters[kind]], properties: ['openFile' as const] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
};
