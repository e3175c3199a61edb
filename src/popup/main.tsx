import { createRoot } from 'react-dom/client';
import '../shared/theme.css';
import { Popup } from './Popup.tsx';

document.documentElement.dataset.theme = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
const root = document.getElementById('root');
if (root) createRoot(root).render(<Popup />);
