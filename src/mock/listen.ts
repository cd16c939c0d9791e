import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens and returns the server's URL; rejects with a one-line Error (keeping the system
 * `code`) that a CLI can print as is when the address cannot be had. */
export async function listen(server: Server, host: string, port: number): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const reason =
        error.code === 'EADDRINUSE' ? 'address already in use'
        : error.code === 'EACCES' ? 'permission denied'
        : error.code === 'EADDRNOTAVAIL' ? 'address not available on this machine'
        : error.message;
      const wrapped = new Error(`cannot listen on ${host}:${port}: ${reason}`) as NodeJS.ErrnoException;
      if (error.code !== undefined) wrapped.code = error.code;
      reject(wrapped);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${urlHost}:${address.port}`, port: address.port };
}
