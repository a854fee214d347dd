import { Agent, get } from 'node:http';
import { eventually } from './harness/eventually';
import { ProcessPlatform } from './harness/process-platform';

/** One GET over the given keep-alive agent; resolves with the Connection header it got. */
function poll(url: string, agent: Agent): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.headers.connection));
    }).on('error', reject);
  });
}

describe('Stopping the gateway', () => {
  let platform: ProcessPlatform;

  beforeAll(async () => {
    platform = await ProcessPlatform.start({}, ['gateway']);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('finishes a SIGTERM while a client keeps sending on a kept-alive connection', async () => {
    const gateway = platform.app('gateway');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const answers: (string | undefined)[] = [];
    let isPolling = true;
    const polling = (async () => {
      while (isPolling) {
        try {
          // Readiness waits for services that are not there, so a request is always in flight
          // on the socket: it is never idle, which is what held the server open.
          answers.push(await poll(`${gateway.url}/health/ready`, agent));
        } catch {
          isPolling = false;
        }
      }
    })();
    await eventually(() => (answers.length >= 2 ? true : undefined), 10_000, 'answers to flow');

    // Before the drain, this never returned: the busy kept-alive socket held the server open.
    const stopped = await platform.stopApp('gateway', 'SIGTERM');
    isPolling = false;
    await polling;
    agent.destroy();

    expect(answers.at(-1)).toBe('close');
    expect(stopped.lines.some((line) => line.message?.includes('drain deadline'))).toBe(false);
  });
});
