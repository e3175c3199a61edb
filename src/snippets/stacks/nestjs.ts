import { corsPackageOptions } from './express.ts';
import type { StackGenerator } from '../types.ts';
import { stackInfo } from '../catalog.ts';

export const nestjs: StackGenerator = {
  info: stackInfo('nestjs'),
  filename: 'src/main.ts',
  pitfalls: [
    'Call app.enableCors() before app.listen(); it runs before guards, so preflights pass auth guards.',
    'With the Fastify adapter the same options go to @fastify/cors.',
  ],
  code: (p) => ({
    code: [
      "import { NestFactory } from '@nestjs/core';",
      "import { AppModule } from './app.module';",
      '',
      'async function bootstrap() {',
      '  const app = await NestFactory.create(AppModule);',
      '  app.enableCors({',
      corsPackageOptions(p, '    '),
      '  });',
      '  await app.listen(process.env.PORT ?? 3000);',
      '}',
      'bootstrap();',
    ].join('\n'),
  }),
};
