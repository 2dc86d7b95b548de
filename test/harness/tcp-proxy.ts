/**
 * A loopback TCP forwarder that can be switched off and on: `down()` destroys every connection and
 * refuses new ones, `up()` listens again on the same port. Used to cut a client off a server
 * (the kube-apiserver) without stopping the server.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './process.ts';

/** A running forwarder. */
export interface TcpProxy {
  readonly port: number;
  /** Connections accepted since the start. */
  readonly accepted: number;
  down(): Promise<void>;
  up(): Promise<void>;
}

/** Forwards `127.0.0.1:<port>` to `target`'s host and port. */
export async function startTcpProxy(target: URL): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let accepted = 0;
  const up = async (): Promise<void> => {
    server = createServer((client) => {
      accepted++;
      const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
  };
  const down = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  };
  await up();
  return {
    port,
    get accepted() {
      return accepted;
    },
    down,
    up,
  };
}
