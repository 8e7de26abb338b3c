import './install-bridge';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createAppStores } from './app/stores';
import { StoresProvider } from './app/stores-context';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// Outside React, so StrictMode's double renders and tab switches keep the same state.
const stores = createAppStores(window.tegaki);

createRoot(root).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>
  </StrictMode>,
);
