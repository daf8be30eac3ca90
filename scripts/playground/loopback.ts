import net from 'node:net';

// Preloaded into the Agents Playground (node --import, scripts/playground.ts). The Playground (0.2.28)
// listens on every interface and has no option for the address, while the development bot behind it
// accepts unauthenticated requests: anyone on the network could chat as any user. A server that is
// started without an address here listens on 127.0.0.1 only.
const listen = net.Server.prototype.listen as (...args: unknown[]) => net.Server;
net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  const [port, next] = args;
  if (typeof port === 'number' && (next === undefined || typeof next === 'function')) args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
} as typeof net.Server.prototype.listen;
