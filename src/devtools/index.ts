// Loaded whenever DevTools opens on a tab, panel shown or not: creates the "CORS" panel.
chrome.devtools.panels.create('CORS', 'icons/icon-32.png', 'src/panel/index.html');
