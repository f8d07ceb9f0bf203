import {
  type ArgumentsHost,
  BadRequestException,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { HttpErrorFilter } from './http-error.filter';

function hostFor(type = 'http') {
  const response = { status: jest.fn(), json: jest.fn() };
  response.status.mockReturnValue(response);
  const host = {
    getType: () => type,
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
  return { host, response };
}

function answer(exception: unknown) {
  const { host, response } = hostFor();
  new HttpErrorFilter().catch(exception, host);
  expect(response.status).toHaveBeenCalledWith(response.json.mock.calls[0][0].statusCode);
  return response.json.mock.calls[0][0];
}

describe(HttpErrorFilter.name, () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('answers an HttpException as { statusCode, error, message }', () => {
    expect(answer(new NotFoundException('account 9 not found'))).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'account 9 not found',
    });
  });

  it('keeps the list of validation messages', () => {
    expect(answer(new BadRequestException(['amount must be greater than 0', 'accountNo should not be empty']))).toEqual(
      {
        statusCode: 400,
        error: 'Bad Request',
        message: ['amount must be greater than 0', 'accountNo should not be empty'],
      },
    );
  });

  it('passes on the details an exception chose to expose', () => {
    const details = { database: { status: 'up' }, broker: { status: 'down' } };
    expect(answer(new ServiceUnavailableException({ message: 'broker down', details }))).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'broker down',
      details,
    });
  });

  it('keeps the 4xx of body-parser errors instead of turning them into 500', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
    expect(answer(tooLarge)).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'request body is too large',
    });
    const malformed = Object.assign(new SyntaxError('Unexpected token'), { status: 400, type: 'entity.parse.failed' });
    expect(answer(malformed)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'request body must be a valid JSON object',
    });
  });

  it('answers anything unexpected with a bare 500 that reveals no internals, and logs it', () => {
    const body = answer(new Error('connect ECONNREFUSED 10.0.0.5:3306 password=hunter2'));
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    expect(Logger.prototype.error).toHaveBeenCalled();
  });

  it('leaves errors of message handlers to the consumer runtime', () => {
    const { host, response } = hostFor('rmq');
    const error = new Error('handler failed');
    expect(() => new HttpErrorFilter().catch(error, host)).toThrow(error);
    expect(response.json).not.toHaveBeenCalled();
  });
});
