// Where a successful login's device token goes (services/device-token.ts): the same place as its refresh
// token. Browsers get an httpOnly cookie no script can read; a body-transport client (no cookie jar) gets it in
// the body as `deviceToken` and presents it back in its next login's body. A client that drops it loses
// nothing but its own counter: its attempts then share the account's lock-out.
import type { Context } from '../context.js';
import type { RefreshTransport, SessionResponse } from './session-response.js';

export type LoginResponse = SessionResponse & { deviceToken?: string };

export function deliverDeviceToken(
  ctx: Context,
  response: SessionResponse,
  transport: RefreshTransport,
): LoginResponse {
  const device = ctx.app.deviceTokens.issue(response.user.username);
  if (transport === 'body') return { ...response, deviceToken: device.token };
  ctx.deviceCookie.set(device.token, device.expiresAt);
  return response;
}
