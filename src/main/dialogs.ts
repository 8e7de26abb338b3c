import { BrowserWindow, dialog } from 'electron';
import type { FileDialogs } from './services/backend';

const modelFilter = { name: 'Tegaki model', extensions: ['tgk'] };

/** Native save and open dialogs, attached to the focused window. */
export const electronDialogs: FileDialogs = {
  async chooseExportPath(suggestedName) {
    const window = BrowserWindow.getFocusedWindow();
    const options = { defaultPath: suggestedName, filters: [modelFilter] };
    const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  },
  async chooseImportPath() {
    const window = BrowserWindow.getFocusedWindow();
    const options = { filters: [modelFilter], properties: ['openFile' as const] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
};
