// The four messages of an account's email life. Links point at the web app's configured public URL (never at
// a Host header a request sent) and carry the token in the fragment (`#token=`): browsers send neither a
// fragment to the server nor in a Referer header, so the token stays out of access logs and third parties.
import { composeMessage, type MailMessage } from './mail-message.js';

/** `https://app.example.com/reset-password#token=lke_…` */
export function emailLink(
  publicWebUrl: string,
  page: 'verify-email' | 'reset-password',
  token: string,
): string {
  return `${publicWebUrl}/${page}#token=${encodeURIComponent(token)}`;
}

export function verificationMessage(input: {
  to: string;
  username: string;
  link: string;
  ttlSeconds: number;
}): MailMessage {
  return composeMessage({
    to: input.to,
    subject: 'confirm your email address',
    paragraphs: [
      `Someone asked to use this address for the account "${input.username}".`,
      `To confirm it, open the link below within ${describeDuration(input.ttlSeconds)}.`,
    ],
    action: { label: 'Confirm this address', url: input.link },
    closing: ['If you did not ask for this, ignore this message: the address will not be used.'],
  });
}

export function passwordResetMessage(input: {
  to: string;
  username: string;
  link: string;
  ttlSeconds: number;
}): MailMessage {
  return composeMessage({
    to: input.to,
    subject: 'reset your password',
    paragraphs: [
      `Someone asked to reset the password of the account "${input.username}".`,
      `To choose a new password, open the link below within ${describeDuration(input.ttlSeconds)}. It works once, and only the newest link works.`,
    ],
    action: { label: 'Choose a new password', url: input.link },
    closing: ['If you did not ask for this, ignore this message: your password stays as it is.'],
  });
}

export function passwordChangedMessage(input: { to: string; username: string }): MailMessage {
  return composeMessage({
    to: input.to,
    subject: 'your password was changed',
    paragraphs: [
      `The password of the account "${input.username}" was just reset, and every session of it was signed out.`,
      'If this was not you, reset your password again at once and tell your administrator.',
    ],
  });
}

export function emailChangedMessage(input: {
  to: string;
  username: string;
  newAddress: string;
}): MailMessage {
  return composeMessage({
    to: input.to,
    subject: 'your email address was changed',
    paragraphs: [
      `The email address of the account "${input.username}" was changed to ${input.newAddress}.`,
      'This address will no longer receive password reset links. If this was not you, reset your password and tell your administrator.',
    ],
  });
}

function describeDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return plural(seconds / 86_400, 'day');
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
