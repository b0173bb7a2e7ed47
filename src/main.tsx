import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, startWorkers } from './ui/App';
import { exposeScriptHooks } from './ui/script-hooks';
import './ui/styles.css';

exposeScriptHooks();
startWorkers();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
