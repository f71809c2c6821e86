import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Each system under test runs in its own process, so that its CPU and memory are its own and the
 * load generator (in the parent) does not share its event loop. They talk over the IPC channel.
 */

type Handler = (arg: never) => unknown;

interface Call {
  id: number;
  cmd: string;
  arg: unknown;
}

interface Reply {
  id: number;
  value?: unknown;
  error?: string;
}

/** In the child: answer the parent's calls; the first message says the child is ready. */
export function serveParent(ready: unknown, handlers: Record<string, Handler>): void {
  process.on('message', async (message: Call) => {
    const handler = handlers[message.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${message.cmd}`);
      const value = await handler(message.arg as never);
      process.send?.({ id: message.id, value } satisfies Reply);
    } catch (error) {
      process.send?.({ id: message.id, error: String((error as Error).stack ?? error) } satisfies Reply);
    }
  });
  process.send?.({ id: 0, value: ready } satisfies Reply);
}

export class Child {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  private constructor(
    readonly kind: string,
    private readonly process: ChildProcess,
  ) {
    process.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.error) waiter.reject(new Error(`${kind}: ${reply.error}`));
      else waiter.resolve(reply.value);
    });
  }

  /** Starts bench/target.ts as `kind`; resolves with what the child says when it is ready. */
  static start<R>(
    kind: string,
    options: { env?: Record<string, string>; arg?: unknown; execArgv?: string[] } = {},
  ): Promise<{ child: Child; ready: R }> {
    const script = fileURLToPath(new URL('./target.ts', import.meta.url));
    const proc = fork(script, [kind, JSON.stringify(options.arg ?? null)], {
      execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child = new Child(kind, proc);
    return new Promise((resolve, reject) => {
      child.waiting.set(0, { resolve: (ready) => resolve({ child, ready: ready as R }), reject });
      proc.once('exit', (code) => {
        for (const waiter of child.waiting.values()) waiter.reject(new Error(`${kind} exited (${code})`));
        child.waiting.clear();
      });
    });
  }

  call<T>(cmd: string, arg?: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.process.send({ id, cmd, arg } satisfies Call);
    });
  }

  /** Asks the child to exit (so that a CPU profile is written) and waits for it. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.call('exit').catch(() => {});
    await exited;
  }
}
