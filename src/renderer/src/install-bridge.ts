import { installWebBridge } from './bridge/web-bridge';

// Imported first by main.tsx, so window.tegaki exists before main.tsx builds the stores
// on it: in Electron the preload has put it there; in the browser mode the bridge does.
installWebBridge(__APP_VERSION__);
