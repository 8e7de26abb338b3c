import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installWebBridge } from './bridge/web-bridge';

// In Electron the preload has put window.tegaki there; in the browser mode the bridge does.
installWebBridge(__APP_VERSION__);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
