// The limit for HTTP: node:http answering every request with a small JSON body, no routing, no auth, no
// framework. Nothing built on node:http can serve more requests per second on the same machine.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { serveFromChild } from '../servers/child-process.js';

// About the size of `auth.me`'s answer, so the bytes on the wire are comparable.
const BODY = JSON.stringify({
  result: {
    data: {
      id: '01936f3e-7c1a-7c7e-8f00-000000000000',
      username: 'bench-user',
      role: 'user',
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  },
});

serveFromChild(async () => {
  const server = createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(BODY),
    });
    response.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
});
