import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ApiErrorBody } from './api-error';

/** Where the interactive documentation is; the OpenAPI document is at `/docs-json`. */
export const API_DOCS_PATH = 'docs';

/**
 * Serves the service's OpenAPI document at `GET /docs-json` and Swagger UI at `GET /docs`,
 * generated once at start-up from the controllers the application mounts (the library's admin
 * routes included when admin is on). Neither route is rate limited: only routes marked
 * `@RateLimited()` are. The document describes routes and shapes only — no configuration, no
 * token: the admin routes say they need a bearer token, never which.
 */
export function setupApiDocs(app: INestApplication, service: string): void {
  const config = new DocumentBuilder()
    .setTitle(`${service} HTTP API`)
    .setDescription(`The ${service} service. Errors are \`{ statusCode, error, message }\` (ApiErrorBody).`)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'TXMSG_ADMIN_TOKEN' }, 'admin')
    .addGlobalResponse({
      status: 500,
      description: 'Unexpected failure; details are logged, not answered.',
      type: ApiErrorBody,
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ApiErrorBody] });
  SwaggerModule.setup(API_DOCS_PATH, app, document, {
    jsonDocumentUrl: `${API_DOCS_PATH}-json`,
    yamlDocumentUrl: `${API_DOCS_PATH}-yaml`,
  });
}
