import { rabbitmqctl } from './rabbitmqctl';

/**
 * Creates and deletes the RabbitMQ vhosts tests isolate themselves in. Through the management
 * plugin's HTTP API when it answers (milliseconds; `.ci/run` enables it), else with `rabbitmqctl`,
 * which starts an Erlang VM per call (a second or more each, three calls per test file).
 * RABBITMQ_API overrides the API's base URL.
 */
const API = process.env.RABBITMQ_API ?? 'http://127.0.0.1:15672/api';
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;

let apiAvailable: boolean | undefined;

async function api(method: 'PUT' | 'DELETE', path: string, body?: object): Promise<boolean> {
  if (apiAvailable === false) return false;
  let response: Response;
  try {
    response = await fetch(`${API}${path}`, {
      method,
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    apiAvailable = false; // no management plugin here: rabbitmqctl from now on
    return false;
  }
  apiAvailable = true;
  if (method === 'DELETE' && response.status === 404) return true;
  if (!response.ok)
    throw new Error(`RabbitMQ API ${method} ${path} answered ${response.status}: ${await response.text()}`);
  return true;
}

/** Creates `vhost` and gives guest every right on it. */
export async function addVhost(vhost: string): Promise<void> {
  const name = encodeURIComponent(vhost);
  if (await api('PUT', `/vhosts/${name}`)) {
    await api('PUT', `/permissions/${name}/guest`, { configure: '.*', write: '.*', read: '.*' });
    return;
  }
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
}

/** Deletes `vhost` and everything in it; one that does not exist is no error. */
export async function deleteVhost(vhost: string): Promise<void> {
  if (await api('DELETE', `/vhosts/${encodeURIComponent(vhost)}`)) return;
  await rabbitmqctl('delete_vhost', vhost).catch((error: Error) => {
    if (!/does not exist/.test(error.message)) throw error;
  });
}
