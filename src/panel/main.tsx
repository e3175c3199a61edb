import { createRoot } from 'react-dom/client';
import '../shared/theme.css';
import { Panel } from './Panel.tsx';
import { createExtensionSource } from './source-extension.ts';

const source = createExtensionSource();
// devtools.panels.themeName is 'dark' or 'default'; outside DevTools (tests) fall back to the OS.
const dark = source.themeName ? source.themeName === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
document.documentElement.dataset.theme = dark ? 'dark' : 'light';

const root = document.getElementById('root');
if (root) createRoot(root).render(<Panel source={source} />);
