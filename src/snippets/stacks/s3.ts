import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

const S3_METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);

export const s3: StackGenerator = {
  info: stackInfo('s3'),
  filename: 'cors.json (aws s3api put-bucket-cors --bucket BUCKET --cors-configuration file://cors.json)',
  pitfalls: [
    'S3 sends Access-Control-Allow-Credentials: true by itself whenever the matched origin is not "*".',
    'CloudFront in front of the bucket must forward the Origin header (or use the CORS-S3Origin request policy) and cache on it, or one origin\'s answer is served to another.',
    'S3 only allows GET, PUT, POST, DELETE and HEAD.',
  ],
  code: (p) => {
    const methods = ['GET', 'HEAD', 'POST', ...p.methods].filter((m, i, a) => S3_METHODS.has(m) && a.indexOf(m) === i);
    const skipped = p.methods.filter((m) => !S3_METHODS.has(m));
    const rule: Record<string, unknown> = { AllowedOrigins: p.origins, AllowedMethods: methods };
    if (p.headers.length) rule['AllowedHeaders'] = p.headers;
    if (p.expose.length) rule['ExposeHeaders'] = p.expose;
    if (p.maxAge !== undefined) rule['MaxAgeSeconds'] = p.maxAge;
    return {
      code: jsonAscii({ CORSRules: [rule] }),
      notes: skipped.length ? [`S3 cannot allow the method(s) ${skipped.join(', ')}.`] : [],
    };
  },
};

/** Pretty JSON with non-ASCII escaped (JSON.stringify escapes quotes and controls). */
export function jsonAscii(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[^\n\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
