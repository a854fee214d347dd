import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { makeStrict } from './strict-document';

export function setUpSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Shop platform API')
    .setDescription(
      'REST entry of the shop: accounts, catalog, orders, payments. Errors are `{statusCode, error, message, correlationId}`; a 400 lists every problem in `details`. Unknown fields and `null` for an optional field are refused; a body must be `application/json`.',
    )
    .setVersion('1.0')
    .addBearerAuth()
    .build();
  const document = makeStrict(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
