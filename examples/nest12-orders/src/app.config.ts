import { parseLadder } from '@txmsg/nestjs';

/** Everything the application needs to start; only this file reads the environment. */
export interface AppConfig {
  port: number;
  database: {
    host: string;
    port: number;
    user: string;
    password: string;
    name: string;
  };
  amqpUri: string;
  /** Waits before each retry of a failing consumer; after the last one the message is parked. */
  retryLadderMs: number[];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    port: Number(env.PORT ?? 3000),
    database: {
      host: env.DB_HOST ?? '127.0.0.1',
      port: Number(env.DB_PORT ?? 3306),
      user: env.DB_USER ?? 'root',
      password: env.DB_PASSWORD ?? '',
      name: env.DB_NAME ?? 'nest12_orders',
    },
    amqpUri: env.AMQP_URI ?? 'amqp://guest:guest@127.0.0.1:5672',
    retryLadderMs: parseLadder(env.RETRY_LADDER ?? '1m,5m,10m,30m,1h'),
  };
}
