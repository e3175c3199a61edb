import { methodsWithSafelisted } from '../prepare.ts';
import type { StackGenerator } from '../types.ts';
import { jsonAscii } from './s3.ts';
import { stackInfo } from '../catalog.ts';

export const apiGateway: StackGenerator = {
  info: stackInfo('api-gateway'),
  filename: 'cors.json (aws apigatewayv2 update-api --api-id API_ID --cors-configuration file://cors.json)',
  pitfalls: [
    'With an HTTP API CORS configuration, API Gateway answers preflights itself and ignores CORS headers from your integration: configure it here only.',
    'REST APIs (v1) differ: enable CORS per resource, return the headers from the Lambda proxy integration, and add them to the DEFAULT_4XX/DEFAULT_5XX gateway responses too.',
    'An OPTIONS route with an authorizer makes preflights fail: do not attach authorizers to OPTIONS.',
  ],
  code: (p) => {
    const cfg: Record<string, unknown> = { AllowOrigins: p.origins };
    if (p.credentials) cfg['AllowCredentials'] = true;
    cfg['AllowMethods'] = methodsWithSafelisted(p);
    if (p.headers.length) cfg['AllowHeaders'] = p.headers;
    if (p.expose.length) cfg['ExposeHeaders'] = p.expose;
    if (p.maxAge !== undefined) cfg['MaxAge'] = p.maxAge;
    return { code: jsonAscii(cfg) };
  },
};
