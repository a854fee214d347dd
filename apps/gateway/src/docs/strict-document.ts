import type { OpenAPIObject } from '@nestjs/swagger';

interface SchemaLike {
  type?: string;
  properties?: Record<string, unknown>;
  additionalProperties?: boolean;
}

const requestIdHeader = {
  description: 'The correlation id of the request: the X-Request-Id sent, or a new one',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
};

/**
 * What holds for the whole API and so is stated once here rather than on every DTO and route:
 * - every object schema refuses unknown properties: the ValidationPipe answers 400 to them
 *   (forbidNonWhitelisted), and answers never carry more than their view declares;
 * - every answer echoes `X-Request-Id`.
 */
export function makeStrict(document: OpenAPIObject): OpenAPIObject {
  for (const schema of Object.values(document.components?.schemas ?? {}) as SchemaLike[]) {
    if (schema.properties) schema.additionalProperties = false;
  }
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Array<{ responses?: object }>) {
      for (const response of Object.values(operation.responses ?? {}) as Array<{
        headers?: Record<string, unknown>;
      }>) {
        response.headers = { 'X-Request-Id': requestIdHeader, ...response.headers };
      }
    }
  }
  return document;
}
