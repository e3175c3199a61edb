import { createRoot } from 'react-dom/client';
import '../shared/theme.css';
import { Panel } from './Panel.tsx';

// devtools.panels.themeName is 'dark' or 'default'; outside DevTools (tests) fall back to the OS.
const themeName = globalThis.chrome?.devtools?.panels?.themeName;
const dark = themeName ? themeName === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
document.documentElement.dataset.theme = dark ? 'dark' : 'light';

const tabId = globalThis.chrome?.devtools?.inspectedWindow?.tabId;
const root = document.getElementById('root');
if (root) createRoot(root).render(<Panel tabId={typeof tabId === 'number' ? tabId : undefined} />);
