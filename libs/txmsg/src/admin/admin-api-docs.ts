import { apiDoc } from '../support/api-docs';

/** The error body every refusal of the admin API has (the host's filter may add fields). */
const ERROR = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, message: { type: 'string' } },
  required: ['statusCode', 'message'],
};
const count = (name: string) => ({ type: 'object', properties: { [name]: { type: 'integer' } }, required: [name] });
const limit = apiDoc('ApiQuery', {
  name: 'limit',
  required: false,
  schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
});

/** The documentation every admin controller shares: its tag, the bearer token, 400 and 401. */
export const adminApi = (): ClassDecorator => (target) => {
  for (const decorate of [
    apiDoc('ApiTags', 'txmsg admin'),
    apiDoc('ApiBearerAuth', 'admin'),
    apiDoc('ApiResponse', { status: 400, description: 'A bad parameter, named in the message.', schema: ERROR }),
    apiDoc('ApiResponse', { status: 401, description: 'No or a wrong admin bearer token.', schema: ERROR }),
  ])
    decorate(target);
};

/** Documentation of each admin route: its answer and its query parameters. */
export const ADMIN_DOCS = {
  limit,
  ok: (description: string, schema: object) => apiDoc('ApiOkResponse', { description, schema }),
  count,
  query: (name: string, values: string[], description: string) =>
    apiDoc('ApiQuery', { name, required: false, enum: values, description }),
  after: apiDoc('ApiQuery', {
    name: 'after',
    required: false,
    type: String,
    description: 'nextCursor of the previous page',
  }),
  text: (name: string, description: string) => apiDoc('ApiQuery', { name, required: false, type: String, description }),
  notFound: (description: string) => apiDoc('ApiResponse', { status: 404, description, schema: ERROR }),
  conflict: (description: string) => apiDoc('ApiResponse', { status: 409, description, schema: ERROR }),
};
