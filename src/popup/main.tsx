import { createRoot } from 'react-dom/client';
import '../shared/theme.css';
import './popup.css';
import { Popup } from './Popup.tsx';

const dark = matchMedia('(prefers-color-scheme: dark)');
const applyTheme = () => {
  document.documentElement.dataset.theme = dark.matches ? 'dark' : 'light';
};
applyTheme();
dark.addEventListener('change', applyTheme);
const root = document.getElementById('root');
if (root) createRoot(root).render(<Popup />);
