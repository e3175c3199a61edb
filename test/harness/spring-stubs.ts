/**
 * The Spring Framework 6 declarations the Spring snippet uses (same names, parameter types and
 * return types as spring-context / spring-webmvc), since the Spring jars are not installed here.
 */
const CR = 'CorsRegistration';
export const SPRING_STUBS: Record<string, string> = {
  'org/springframework/context/annotation/Configuration.java':
    'package org.springframework.context.annotation;\n@java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)\npublic @interface Configuration {}\n',
  'org/springframework/web/servlet/config/annotation/WebMvcConfigurer.java':
    'package org.springframework.web.servlet.config.annotation;\npublic interface WebMvcConfigurer {\n  default void addCorsMappings(CorsRegistry registry) {}\n}\n',
  'org/springframework/web/servlet/config/annotation/CorsRegistry.java':
    `package org.springframework.web.servlet.config.annotation;\npublic class CorsRegistry {\n  public ${CR} addMapping(String pathPattern) { return new ${CR}(); }\n}\n`,
  'org/springframework/web/servlet/config/annotation/CorsRegistration.java': [
    'package org.springframework.web.servlet.config.annotation;',
    `public class ${CR} {`,
    ...['allowedOrigins', 'allowedOriginPatterns', 'allowedMethods', 'allowedHeaders', 'exposedHeaders'].map((m) => `  public ${CR} ${m}(String... values) { return this; }`),
    `  public ${CR} allowCredentials(boolean allowCredentials) { return this; }`,
    `  public ${CR} maxAge(long maxAge) { return this; }`,
    '}',
    '',
  ].join('\n'),
};
