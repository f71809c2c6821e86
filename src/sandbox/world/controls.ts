import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ProviderApi, replyJson } from '../server/answer.js';
import type { SandboxWorld } from './world.js';

type Control = (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => void;

/**
 * The world's controls over HTTP, beside the others under /__sandbox/: GET /__sandbox/time
 * ({day, now}), POST /__sandbox/time {"days": n} advances the world, GET
 * /__sandbox/truth?provider=BEIKE|FANG&id=… gives one listing's ground truth.
 */
export function worldControls(world: SandboxWorld, next: Control): Control {
  return (req, res, path, url) => {
    const reply = (status: number, body: unknown) => replyJson(res, status, body);
    const route = `${req.method} ${path}`;
    const clock = () => ({ day: world.day, now: new Date(world.now()).toISOString() });
    if (route === 'GET /__sandbox/time') return reply(200, clock());
    if (route === 'GET /__sandbox/truth') {
      const provider = url.searchParams.get('provider');
      const truth =
        provider === 'BEIKE' || provider === 'FANG'
          ? world.truth(provider, url.searchParams.get('id') ?? '')
          : undefined;
      return truth ? reply(200, truth) : reply(404, { error: 'no such listing in the sandbox world' });
    }
    if (route === 'POST /__sandbox/time') {
      readSmallJson(req).then(
        (body) => {
          try {
            world.advance((body as { days?: unknown } | null)?.days as number);
            reply(200, clock());
          } catch (error) {
            reply(400, { error: (error as Error).message });
          }
        },
        (error: unknown) => reply(400, { error: (error as Error).message }),
      );
      return;
    }
    next(req, res, path, url);
  };
}

/** A provider API that always answers from the world's latest data. */
export function followWorld(build: () => ProviderApi, world: SandboxWorld): ProviderApi {
  let api = build();
  world.onChange(() => {
    api = build();
  });
  // A proxy, so that whatever the API offers (now or later) is forwarded to the current one.
  return new Proxy({} as ProviderApi, {
    get(_target, property) {
      const value = Reflect.get(api, property, api) as unknown;
      return typeof value === 'function' ? value.bind(api) : value;
    },
  });
}

async function readSmallJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 4_096) throw new Error('control body too large');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('control body is not JSON');
  }
}
