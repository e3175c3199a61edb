import type { Plugin } from 'vite';

/**
 * Corsight renders header values from arbitrary websites and never HTML: no component uses
 * dangerouslySetInnerHTML. This removes React DOM's only assignments of a prop to innerHTML (the
 * dangerouslySetInnerHTML branches), so no future change can turn a captured value into markup,
 * and addons-linter (web-ext lint, AMO's review) finds no innerHTML sink in the Firefox build.
 * The build fails when React's code no longer has exactly the assignments this was written for.
 */
const REACT_DOM_CLIENT = /react-dom[\\/]cjs[\\/]react-dom-client\.production\.js$/;
const PROP_TO_INNER_HTML = '(domElement.innerHTML = key)';
const EXPECTED_SINKS = 2;
const REFUSAL = '(function () { throw Error("Corsight renders no HTML: dangerouslySetInnerHTML is disabled in this build (scripts/vite-no-html-sink.ts)"); })()';

export function noHtmlSink(): Plugin {
  return {
    name: 'corsight-no-html-sink',
    transform(code, id) {
      if (!REACT_DOM_CLIENT.test(id)) return null;
      const found = code.split(PROP_TO_INNER_HTML).length - 1;
      if (found !== EXPECTED_SINKS) {
        this.error(`${id}: expected ${EXPECTED_SINKS} occurrences of ${PROP_TO_INNER_HTML}, found ${found}; React DOM changed, update scripts/vite-no-html-sink.ts`);
      }
      return { code: code.split(PROP_TO_INNER_HTML).join(REFUSAL), map: null };
    },
  };
}
